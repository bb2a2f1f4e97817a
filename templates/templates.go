// Package templates embeds the Markdown templates of generated pages. The build renders
// snapshot data through them into Markdown, the same road hand-written content/ pages take.
package templates

import "embed"

// FS holds the page templates (*.md.tmpl).
//
//go:embed *.md.tmpl
var FS embed.FS
