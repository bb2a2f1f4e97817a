// Package themes embeds the site themes (html/template layouts, CSS, JS and vendored
// libraries) so that the kdocs binary builds a complete, offline site by itself.
package themes

import "embed"

// FS holds every theme, one directory per theme name ("default").
//
//go:embed all:default
var FS embed.FS
