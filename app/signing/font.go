package signing

// CJKFont is the embedded TrueType font (WenQuanYi Micro Hei, see fonts/README.md) that renders
// Chinese and Latin text in generated PDFs, for other packages that draw PDFs too (the demo
// briefing slides). Callers must not modify the returned bytes.
func CJKFont() []byte { return cjkFont }
