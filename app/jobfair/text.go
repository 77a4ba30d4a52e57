package jobfair

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// The search index holds, per job, the terms of its text with the weight of the most
// important field each appears in. Chinese has no spaces, so CJK text is indexed as character
// bigrams plus the last character of each run: a query of two or more CJK characters becomes
// its bigrams (all must match), and a one-character query is a prefix range over the terms,
// which finds the character wherever it stands. Latin text is indexed as lower-cased words and
// queried by prefix, so "engin" finds "engineer". Each Latin word is also indexed by its English
// (Snowball) stem, and the job search asks for a word's stem besides its prefix, so "engineers"
// finds "engineer" and "accountants" finds "accountant". Words joined by hyphens are indexed
// joined too, and a query joins them the same way, so "e-commerce" and "ecommerce" find each
// other. PostgreSQL and SQLite compare the terms byte by byte, so the same query finds the same
// jobs on both.

// Field weights: a match in the title counts most.
const (
	weightTitle    = 8
	weightEmployer = 4
	weightTag      = 3
	weightCity     = 2
	weightBody     = 1
)

const (
	maxTermBytes   = 64
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

// token is one condition of a query: an exact term, or a prefix range [lo, hi); with stem set,
// also that stem term.
type token struct {
	term   string
	prefix bool
	hi     string
	stem   string
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

// addTerms adds the index terms of text to terms, keeping the highest weight per term.
func addTerms(terms map[string]int16, text string, weight int16) {
	put := func(t string) {
		if len(t) > maxTermBytes {
			t = truncate(t, maxTermBytes)
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

// queryTokens turns a search box into tokens, all of which a job must match.
func queryTokens(q string) []token {
	var out []token
	seen := map[string]bool{}
	add := func(t token) {
		if len(t.term) > maxTermBytes {
			t.term, t.prefix = truncate(t.term, maxTermBytes), true
		}
		key := t.term
		if t.prefix {
			key += "*"
		}
		if seen[key] || len(out) >= maxQueryTokens {
			return
		}
		seen[key] = true
		if t.prefix {
			t.hi = successor(t.term)
		}
		out = append(out, t)
	}
	runs(q, func(run string, cjk bool) {
		n := utf8.RuneCountInString(run)
		switch {
		case cjk && n == 1, !cjk && n >= 2:
			add(token{term: run, prefix: true})
		case !cjk:
			add(token{term: run})
		default:
			var prev rune = -1
			for _, r := range run {
				if prev >= 0 {
					add(token{term: string(prev) + string(r)})
				}
				prev = r
			}
		}
	})
	return out
}

// searchTokens are the job search's tokens for a search box: those of queryTokens over the
// query with its hyphenated words joined, each Latin word also matching by its stem.
func searchTokens(q string) []token {
	out := queryTokens(unhyphenate(norm.NFKC.String(q)))
	for i, t := range out {
		if t.prefix && !isCJK([]rune(t.term)[0]) {
			out[i].stem = stemTerm(t.term)
		}
	}
	return out
}

// successor is the smallest string greater than every string that starts with p.
func successor(p string) string {
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
