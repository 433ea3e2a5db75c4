package app

import "github.com/telecomsim/simulator/internal/provider"

// uiRoutes serve the dashboard below /__sim/ui.
func (a *App) uiRoutes() []provider.Route { return nil }
