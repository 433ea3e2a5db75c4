package somos

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

// Routes are the real API's endpoints (plus the presigned URLs, which the
// real service hands out on S3 and the simulator serves itself).
func (p *Provider) Routes() []provider.Route {
	a := authScheme
	return []provider.Route{
		{Method: http.MethodPost, Path: "/public/apitoken", Name: "get fresh tokens from a refresh token", Handler: handleAPIToken},
		{Method: http.MethodPost, Path: "/users/resettokens", Name: "revoke every refresh token of the user", Auth: a, Handler: handleResetTokens},

		{Method: http.MethodPost, Path: "/cnam/list", Name: "list CNAM entries", Auth: a, Handler: handleListCNAM},
		{Method: http.MethodPost, Path: "/cnam/uploads", Name: "get a presigned URL to upload a CSV", Auth: a, Handler: handleNewUpload},
		{Method: http.MethodPost, Path: "/cnam", Name: "create a CNAM entry", Auth: a, Handler: handleCreateCNAM},
		{Method: http.MethodGet, Path: "/cnam/{tfn}", Name: "get a CNAM entry", Auth: a, Handler: handleGetCNAM},
		{Method: http.MethodPut, Path: "/cnam/{tfn}", Name: "update a CNAM entry", Auth: a, Handler: handleUpdateCNAM},
		{Method: http.MethodDelete, Path: "/cnam/{tfn}", Name: "delete a CNAM entry", Auth: a, Handler: handleDeleteCNAM},

		{Method: http.MethodPost, Path: "/admin/user/list", Name: "list all users (Admin)", Auth: a, Handler: handleListUsers(true)},
		{Method: http.MethodPost, Path: "/admin/user/promote", Name: "promote any user (Admin)", Auth: a, Handler: handleChangeUser(true, "promote")},
		{Method: http.MethodPost, Path: "/admin/user/demote", Name: "demote any user (Admin)", Auth: a, Handler: handleChangeUser(true, "demote")},
		{Method: http.MethodPost, Path: "/admin/user/enable", Name: "enable any user (Admin)", Auth: a, Handler: handleChangeUser(true, "enable")},
		{Method: http.MethodPost, Path: "/admin/user/disable", Name: "disable any user (Admin)", Auth: a, Handler: handleChangeUser(true, "disable")},
		{Method: http.MethodPost, Path: "/admin/user/update", Name: "update any user's names (Admin)", Auth: a, Handler: handleChangeUser(true, "update")},
		{Method: http.MethodPost, Path: "/admin/user/{entity}/list", Name: "list entity users (RespOrgAdmin)", Auth: a, Handler: handleListUsers(false)},
		{Method: http.MethodPost, Path: "/admin/user/{entity}/promote", Name: "promote an entity user (RespOrgAdmin)", Auth: a, Handler: handleChangeUser(false, "promote")},
		{Method: http.MethodPost, Path: "/admin/user/{entity}/demote", Name: "demote an entity user (RespOrgAdmin)", Auth: a, Handler: handleChangeUser(false, "demote")},
		{Method: http.MethodPost, Path: "/admin/user/{entity}/enable", Name: "enable an entity user (RespOrgAdmin)", Auth: a, Handler: handleChangeUser(false, "enable")},
		{Method: http.MethodPost, Path: "/admin/user/{entity}/disable", Name: "disable an entity user (RespOrgAdmin)", Auth: a, Handler: handleChangeUser(false, "disable")},
		{Method: http.MethodPost, Path: "/admin/user/{entity}/update", Name: "update an entity user's names (RespOrgAdmin)", Auth: a, Handler: handleChangeUser(false, "update")},

		{Method: http.MethodPost, Path: "/bulkfiles/list", Name: "list uploaded and exported files", Auth: a, Handler: handleListFiles},
		{Method: http.MethodPost, Path: "/bulkfiles/export", Name: "export records or rejected rows to a CSV", Auth: a, Handler: handleExport},
		{Method: http.MethodPost, Path: "/bulkfiles/download", Name: "get a presigned URL to download a file", Auth: a, Handler: handleDownloadURL},
		{Method: http.MethodPost, Path: "/metrics/list", Name: "summary per entity", Auth: a, Handler: handleMetrics},
		{Method: http.MethodPost, Path: "/metrics/list/", Name: "summary per entity (trailing slash)", Auth: a, Handler: handleMetrics},
		{Method: http.MethodPost, Path: "/audit/search", Name: "search the audit trail", Auth: a, Handler: handleAudit},
		{Method: http.MethodPost, Path: "/audit/search/", Name: "search the audit trail (trailing slash)", Auth: a, Handler: handleAudit},

		{Method: http.MethodPut, Path: "/uploads/{token}", Name: "presigned CSV upload (S3 stand-in)", Handler: handlePutUpload, NoValidate: true},
		{Method: http.MethodGet, Path: "/downloads/{token}", Name: "presigned file download (S3 stand-in)", Handler: handleGetDownload, NoValidate: true},
	}
}

// ControlRoutes are the provider's levers under /__sim.
func (p *Provider) ControlRoutes() []provider.Route {
	return []provider.Route{
		{Method: http.MethodGet, Path: "/somos/users", Name: "list users with their refresh tokens", Handler: ctlListUsers},
		{Method: http.MethodPost, Path: "/somos/users", Name: "create or update a user", Handler: ctlUpsertUser},
		{Method: http.MethodPost, Path: "/somos/users/{email}/refreshtokens", Name: "issue a refresh token", Handler: ctlIssueRefresh},
		{Method: http.MethodPost, Path: "/somos/partner/fail", Name: "make partner propagation fail for a TFN", Handler: ctlPartnerFail},
		{Method: http.MethodPost, Path: "/somos/partner/succeed", Name: "let partner propagation succeed again for a TFN", Handler: ctlPartnerSucceed},
		{Method: http.MethodPost, Path: "/somos/files/{fileId}/process", Name: "process an uploaded CSV now", Handler: ctlProcessFile},
	}
}
