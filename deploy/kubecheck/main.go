// Command kubecheck checks rendered Kubernetes manifests the way an API
// server would before admitting them, without a cluster: every object must
// decode strictly into its typed API struct (an unknown or misspelt field,
// or a wrong type, is an error) and the objects must agree with each other
// (selectors match pod labels, referenced Services, ConfigMaps and Secrets
// are in the set or named as external).
//
//	kubecheck [-external NAME]... FILE...
//
// It has its own module so the simulator's module does not depend on the
// Kubernetes API packages.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

type external []string

func (e *external) String() string     { return strings.Join(*e, ",") }
func (e *external) Set(v string) error { *e = append(*e, v); return nil }

func main() {
	var ext external
	fs := flag.NewFlagSet("kubecheck", flag.ExitOnError)
	fs.Var(&ext, "external", "a ConfigMap or Secret name that exists outside the files (repeatable)")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: kubecheck [-external NAME]... FILE...")
		os.Exit(2)
	}
	failed := false
	for _, f := range fs.Args() {
		data, err := os.ReadFile(f)
		if err == nil {
			err = check(data, ext)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s:\n%v\n", f, err)
			failed = true
			continue
		}
		fmt.Printf("%s: ok\n", f)
	}
	if failed {
		os.Exit(1)
	}
}

// objects is what one file declares, by kind.
type objects struct {
	statefulSets []*appsv1.StatefulSet
	services     map[string]*corev1.Service
	configMaps   map[string]bool
	secrets      map[string]bool
	pdbs         []*policyv1.PodDisruptionBudget
	ingresses    []*networkingv1.Ingress
}

func check(data []byte, ext []string) error {
	objs := &objects{services: map[string]*corev1.Service{}, configMaps: map[string]bool{}, secrets: map[string]bool{}}
	for _, name := range ext {
		objs.configMaps[name] = true
		objs.secrets[name] = true
	}
	var errs []error
	for i, doc := range splitDocs(data) {
		if err := objs.decode(doc); err != nil {
			errs = append(errs, fmt.Errorf("document %d: %w", i+1, err))
		}
	}
	errs = append(errs, objs.crossCheck()...)
	return errors.Join(errs...)
}

// splitDocs cuts a multi-document YAML stream, dropping documents that
// hold only comments.
func splitDocs(data []byte) [][]byte {
	var out [][]byte
	for _, d := range bytes.Split(data, []byte("\n---")) {
		empty := true
		for _, line := range strings.Split(string(d), "\n") {
			if t := strings.TrimSpace(line); t != "" && t != "---" && !strings.HasPrefix(t, "#") {
				empty = false
				break
			}
		}
		if !empty {
			out = append(out, d)
		}
	}
	return out
}

func (o *objects) decode(doc []byte) error {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	strict := func(v any) error {
		if err := yaml.UnmarshalStrict(doc, v); err != nil {
			return fmt.Errorf("%s %s: %w", head.APIVersion, head.Kind, err)
		}
		return nil
	}
	switch head.APIVersion + " " + head.Kind {
	case "apps/v1 StatefulSet":
		v := &appsv1.StatefulSet{}
		if err := strict(v); err != nil {
			return err
		}
		o.statefulSets = append(o.statefulSets, v)
	case "v1 Service":
		v := &corev1.Service{}
		if err := strict(v); err != nil {
			return err
		}
		o.services[v.Name] = v
	case "v1 ConfigMap":
		v := &corev1.ConfigMap{}
		if err := strict(v); err != nil {
			return err
		}
		o.configMaps[v.Name] = true
	case "v1 Secret":
		v := &corev1.Secret{}
		if err := strict(v); err != nil {
			return err
		}
		o.secrets[v.Name] = true
	case "policy/v1 PodDisruptionBudget":
		v := &policyv1.PodDisruptionBudget{}
		if err := strict(v); err != nil {
			return err
		}
		o.pdbs = append(o.pdbs, v)
	case "networking.k8s.io/v1 Ingress":
		v := &networkingv1.Ingress{}
		if err := strict(v); err != nil {
			return err
		}
		o.ingresses = append(o.ingresses, v)
	default:
		return fmt.Errorf("%s %s: not a kind this check knows; add it to kubecheck", head.APIVersion, head.Kind)
	}
	return nil
}

func (o *objects) crossCheck() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(o.statefulSets) == 0 {
		bad("no StatefulSet")
	}
	for _, s := range o.statefulSets {
		sel, err := metaSelector(s.Spec.Selector)
		if err != nil {
			bad("StatefulSet %s: selector: %v", s.Name, err)
			continue
		}
		pod := labels.Set(s.Spec.Template.Labels)
		if !sel.Matches(pod) {
			bad("StatefulSet %s: selector %s does not match its pod labels %v", s.Name, sel, pod)
		}
		if svc, ok := o.services[s.Spec.ServiceName]; !ok {
			bad("StatefulSet %s: serviceName %q is not in the files", s.Name, s.Spec.ServiceName)
		} else if svc.Spec.ClusterIP != corev1.ClusterIPNone {
			bad("StatefulSet %s: service %q must be headless (clusterIP: None)", s.Name, svc.Name)
		}
		errs = append(errs, o.checkPod(s.Name, &s.Spec.Template.Spec, s.Spec.VolumeClaimTemplates)...)
		for _, pdb := range o.pdbs {
			ps, err := metaSelector(pdb.Spec.Selector)
			if err != nil || !ps.Matches(pod) {
				bad("PodDisruptionBudget %s does not select StatefulSet %s's pods", pdb.Name, s.Name)
			}
		}
		for name, svc := range o.services {
			if !labels.SelectorFromSet(svc.Spec.Selector).Matches(pod) {
				bad("Service %s does not select StatefulSet %s's pods", name, s.Name)
			}
		}
	}
	for _, ing := range o.ingresses {
		for _, rule := range ing.Spec.Rules {
			if rule.HTTP == nil {
				continue
			}
			for _, p := range rule.HTTP.Paths {
				if p.Backend.Service == nil {
					bad("Ingress %s: path %s has no service backend", ing.Name, p.Path)
				} else if _, ok := o.services[p.Backend.Service.Name]; !ok {
					bad("Ingress %s: backend service %q is not in the files", ing.Name, p.Backend.Service.Name)
				}
			}
		}
	}
	return errs
}

func (o *objects) checkPod(owner string, spec *corev1.PodSpec, claims []corev1.PersistentVolumeClaim) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("StatefulSet %s: "+format, append([]any{owner}, args...)...))
	}
	volumes := map[string]bool{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = true
		if v.ConfigMap != nil && !o.configMaps[v.ConfigMap.Name] {
			bad("volume %s: ConfigMap %q is not in the files", v.Name, v.ConfigMap.Name)
		}
		if v.Secret != nil && !o.secrets[v.Secret.SecretName] {
			bad("volume %s: Secret %q is not in the files", v.Name, v.Secret.SecretName)
		}
	}
	for _, c := range claims {
		volumes[c.Name] = true
	}
	if len(spec.Containers) == 0 {
		bad("no containers")
	}
	for _, c := range spec.Containers {
		ports := map[string]bool{}
		for _, p := range c.Ports {
			ports[p.Name] = true
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				bad("container %s mounts %q, which is no volume", c.Name, m.Name)
			}
		}
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && !o.secrets[e.ValueFrom.SecretKeyRef.Name] {
				bad("env %s: Secret %q is not in the files", e.Name, e.ValueFrom.SecretKeyRef.Name)
			}
		}
		for name, probe := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
			if probe == nil || probe.HTTPGet == nil {
				bad("container %s has no HTTP %s probe", c.Name, name)
				continue
			}
			if port := probe.HTTPGet.Port; port.StrVal != "" && !ports[port.StrVal] {
				bad("container %s: %s probe names port %q, which it does not declare", c.Name, name, port.StrVal)
			}
		}
		if c.Resources.Requests == nil {
			bad("container %s has no resource requests", c.Name)
		}
	}
	return errs
}

func metaSelector(s *metav1.LabelSelector) (labels.Selector, error) {
	if s == nil {
		return nil, errors.New("missing")
	}
	return metav1.LabelSelectorAsSelector(s)
}
