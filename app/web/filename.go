package web

import (
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxDisplayName bounds the name an uploaded file is shown under, in characters.
const MaxDisplayName = 120

// browserEscapes are how browsers write `"`, CR and LF in a multipart file name (the HTML
// form encoding); the name is stored with them decoded, once.
var browserEscapes = strings.NewReplacer("%22", `"`, "%0D", "\r", "%0d", "\r", "%0A", "\n", "%0a", "\n")

// DisplayName cleans the file name a browser sent into the name the file is stored, shown and
// downloaded under: browser escapes decoded, only the last path element, control characters
// (line breaks included) made spaces, spaces trimmed and collapsed, at most MaxDisplayName
// characters keeping the extension. It returns "" when nothing is left.
func DisplayName(raw string) string {
	name := browserEscapes.Replace(strings.ToValidUTF8(raw, "\uFFFD"))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Join(strings.FieldsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }), " ")
	if name == "." || name == ".." {
		return ""
	}
	if utf8.RuneCountInString(name) > MaxDisplayName {
		ext := filepath.Ext(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = strings.TrimSpace(string(r[:MaxDisplayName-utf8.RuneCountInString(ext)])) + ext
	}
	return name
}

// ContentDisposition is the Content-Disposition header (RFC 6266) for sending a file named
// name: an ASCII stand-in in filename for old clients, and the exact name, UTF-8 and
// percent-encoded (RFC 8187), in filename*, which browsers prefer.
func ContentDisposition(disposition, name string) string {
	var ascii, exact strings.Builder
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '%' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	const hex = "0123456789ABCDEF"
	for _, b := range []byte(name) {
		if attrChar(b) {
			exact.WriteByte(b)
		} else {
			exact.WriteByte('%')
			exact.WriteByte(hex[b>>4])
			exact.WriteByte(hex[b&15])
		}
	}
	return disposition + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + exact.String()
}

// attrChar reports whether b may stand unencoded in an RFC 8187 value.
func attrChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
