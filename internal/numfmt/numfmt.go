// Package numfmt formats numbers the way every kdocs page shows them, so a diagram label and the
// table beside it never disagree.
package numfmt

import (
	"strconv"
	"strings"
)

// Thousands writes n with comma thousands separators: 1234567 → "1,234,567".
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}
