package signing

import "bytes"

// CJKFont is the embedded TrueType font (WenQuanYi Micro Hei, see fonts/README.md) that renders
// Chinese and Latin text in generated PDFs, for other packages that draw PDFs too (the demo
// briefing slides). Each call returns a copy of its own: fpdf writes into the font bytes it is
// given while it cuts the subset a document uses, so documents drawn at once on shared bytes
// would corrupt each other (a data race).
func CJKFont() []byte { return bytes.Clone(cjkFont) }
