// Package textsearch is the bilingual text search shared by the capabilities that search
// (jobs, policies): the tokenizer that turns Chinese and English text into index terms and a
// search box into query tokens, and Index, an in-memory faceted search index over compressed
// bitmaps.
package textsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// An index holds, per document, the terms of its text with the weight of the most
// important field each appears in. Chinese has no spaces, so CJK text is indexed as character
// bigrams plus the last character of each run: a query of two or more CJK characters becomes
// its bigrams (all must match), and a one-character query is a prefix range over the terms,
// which finds the character wherever it stands. Latin text is indexed as lower-cased words and
// queried by prefix, so "engin" finds "engineer". Each Latin word is also indexed by its English
// (Snowball) stem, and the job search asks for a word's stem besides its prefix, so "engineers"
// finds "engineer" and "accountants" finds "accountant". Words joined by hyphens are indexed
// joined too, and a query joins them the same way, so "e-commerce" and "ecommerce" find each
// other. PostgreSQL and SQLite compare the terms byte by byte, so the same query finds the same
// documents on both.

const (
	// MaxTermBytes is the longest term stored; longer ones are cut at a character boundary.
	MaxTermBytes   = 64
	maxQueryTokens = 16
)

// stemMark starts a stem term. It is neither a letter nor a digit, so no word term starts with
// it, and it sorts after every letter and digit, so no prefix range of a word reaches a stem.
const stemMark = "~"

// stemTerm is the stem term of a Latin word, or "" for a word without letters.
func stemTerm(word string) string {
	if !strings.ContainsFunc(word, unicode.IsLetter) {
		return ""
	}
	return stemMark + english.Stem(word, true)
}

// unhyphenate removes the hyphens between letters or digits of Latin words, so that
// "e-commerce" reads "ecommerce".
func unhyphenate(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	rs := []rune(s)
	word := func(r rune) bool { return !isCJK(r) && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
	out := rs[:0:0]
	for i, r := range rs {
		if r == '-' && i > 0 && i+1 < len(rs) && word(rs[i-1]) && word(rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// Token is one condition of a query: an exact term, or a prefix range [lo, hi); with stem set,
// also that stem term.
type Token struct {
	Term   string
	Prefix bool
	Hi     string
	Stem   string
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// runs splits normalised text into CJK runs and Latin/digit words.
func runs(s string, f func(run string, cjk bool)) {
	s = strings.ToLower(norm.NFKC.String(s))
	start, cjk := -1, false
	flush := func(end int) {
		if start >= 0 {
			f(s[start:end], cjk)
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case isCJK(r):
			if start >= 0 && !cjk {
				flush(i)
			}
			if start < 0 {
				start, cjk = i, true
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start >= 0 && cjk {
				flush(i)
			}
			if start < 0 {
				start, cjk = i, false
			}
		default:
			flush(i)
		}
	}
	flush(len(s))
}

// AddTerms adds the index terms of text to terms, keeping the highest weight per term.
func AddTerms(terms map[string]int16, text string, weight int16) {
	put := func(t string) {
		if len(t) > MaxTermBytes {
			t = truncate(t, MaxTermBytes)
		}
		if terms[t] < weight {
			terms[t] = weight
		}
	}
	latin := func(run string) {
		put(run)
		if st := stemTerm(run); st != "" {
			put(st)
		}
	}
	if n := norm.NFKC.String(text); unhyphenate(n) != n {
		// The joined words; the words of the text come again below, which costs nothing.
		runs(unhyphenate(n), func(run string, cjk bool) {
			if !cjk {
				latin(run)
			}
		})
	}
	runs(text, func(run string, cjk bool) {
		if !cjk {
			latin(run)
			return
		}
		var prev rune = -1
		for _, r := range run {
			if prev >= 0 {
				put(string(prev) + string(r))
			}
			prev = r
		}
		put(string(prev))
	})
}

// QueryTokens turns a search box into tokens, all of which a job must match.
func QueryTokens(q string) []Token {
	var out []Token
	seen := map[string]bool{}
	add := func(t Token) {
		if len(t.Term) > MaxTermBytes {
			t.Term, t.Prefix = truncate(t.Term, MaxTermBytes), true
		}
		key := t.Term
		if t.Prefix {
			key += "*"
		}
		if seen[key] || len(out) >= maxQueryTokens {
			return
		}
		seen[key] = true
		if t.Prefix {
			t.Hi = Successor(t.Term)
		}
		out = append(out, t)
	}
	runs(q, func(run string, cjk bool) {
		n := utf8.RuneCountInString(run)
		switch {
		case cjk && n == 1, !cjk && n >= 2:
			add(Token{Term: run, Prefix: true})
		case !cjk:
			add(Token{Term: run})
		default:
			var prev rune = -1
			for _, r := range run {
				if prev >= 0 {
					add(Token{Term: string(prev) + string(r)})
				}
				prev = r
			}
		}
	})
	return out
}

// SearchTokens are the job search's tokens for a search box: those of QueryTokens over the
// query with its hyphenated words joined, each Latin word also matching by its stem.
func SearchTokens(q string) []Token {
	out := QueryTokens(unhyphenate(norm.NFKC.String(q)))
	for i, t := range out {
		if t.Prefix && !isCJK([]rune(t.Term)[0]) {
			out[i].Stem = stemTerm(t.Term)
		}
	}
	return out
}

// Successor is the smallest string greater than every string that starts with p.
func Successor(p string) string {
	r, size := utf8.DecodeLastRuneInString(p)
	next := r + 1
	if next >= 0xD800 && next < 0xE000 {
		next = 0xE000
	}
	if next > unicode.MaxRune {
		return p + string(rune(unicode.MaxRune))
	}
	return p[:len(p)-size] + string(next)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
