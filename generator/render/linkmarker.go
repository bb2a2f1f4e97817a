package render

import (
	"bytes"
	"strconv"

	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// linkMarkerPrefix starts the destination that stands for a page's link i while it renders
// (see convertPage). goldmark writes it unchanged: it needs no URL or HTML escaping.
const linkMarkerPrefix = "kdocs-link-"

func linkMarker(i int) []byte {
	return []byte(linkMarkerPrefix + strconv.Itoa(i) + ".")
}

// escapedDest is a destination as goldmark's link and image renderers write it: URL-escaped,
// HTML-escaped, and empty when it is a dangerous URL (javascript: and the like). It may share
// dest's bytes: it is read while the page converts, and dest is not written meanwhile.
func escapedDest(dest []byte) []byte {
	d := util.URLEscape(dest, true)
	// Every URL goldmark calls dangerous starts with a scheme and its colon, and its test
	// allocates two lower-case copies for each scheme it knows.
	if bytes.IndexByte(d, ':') >= 0 && gmhtml.IsDangerousURL(d) {
		return nil
	}
	return util.EscapeHTML(d)
}

// replaceLinkMarkers writes html with each marker of an href or src attribute replaced by its
// destination. Only markup can hold `href="`: goldmark escapes every quote of text and of
// attribute values, so a page's text that spells a marker is never taken for one.
func replaceLinkMarkers(html []byte, dests [][]byte) []byte {
	// Each marker is written once at most, and only the markers give way to destinations.
	size := len(html)
	for _, d := range dests {
		size += len(d)
	}
	out := make([]byte, 0, size)
	rest := html
	for {
		i := bytes.Index(rest, []byte(`="`+linkMarkerPrefix))
		if i < 0 {
			break
		}
		num := i + 2 + len(linkMarkerPrefix)
		j := num
		for j < len(rest) && '0' <= rest[j] && rest[j] <= '9' {
			j++
		}
		attr := bytes.HasSuffix(rest[:i], []byte(" href")) || bytes.HasSuffix(rest[:i], []byte(" src"))
		k, err := strconv.Atoi(string(rest[num:j]))
		if !attr || err != nil || k >= len(dests) || j+1 >= len(rest) || rest[j] != '.' || rest[j+1] != '"' {
			out = append(out, rest[:num]...)
			rest = rest[num:]
			continue
		}
		out = append(out, rest[:i+2]...)
		out = append(out, dests[k]...)
		rest = rest[j+1:] // from the closing quote
	}
	return append(out, rest...)
}
