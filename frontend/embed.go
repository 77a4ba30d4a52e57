// Package frontend embeds the built web interface (frontend/dist) into the binary.
package frontend

import "embed"

// Dist holds `npm run build`'s output; only .gitkeep when the frontend was never built.
//
//go:embed all:dist
var Dist embed.FS
