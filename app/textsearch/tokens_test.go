package textsearch

import (
	"slices"
	"testing"
)

func TestQueryTokens(t *testing.T) {
	cases := []struct {
		q    string
		want []Token
	}{
		{"会计", []Token{{Term: "会计"}}},
		{"机械工程师", []Token{{Term: "机械"}, {Term: "械工"}, {Term: "工程"}, {Term: "程师"}}},
		{"Java 工程师", []Token{{Term: "java", Prefix: true, Hi: "javb"}, {Term: "工程"}, {Term: "程师"}}},
		{"ＪＡＶＡ", []Token{{Term: "java", Prefix: true, Hi: "javb"}}},
		{"计", []Token{{Term: "计", Prefix: true, Hi: "订"}}},
		{"C", []Token{{Term: "c"}}},
		{"  !!  ", nil},
	}
	for _, c := range cases {
		if got := QueryTokens(c.q); !slices.Equal(got, c.want) {
			t.Errorf("QueryTokens(%q) = %+v, want %+v", c.q, got, c.want)
		}
	}
}

func TestSearchTokensJoinCompoundsAndStem(t *testing.T) {
	got := SearchTokens("E-commerce engineers 电商-运营 R&D")
	want := []Token{
		{Term: "ecommerce", Prefix: true, Hi: "ecommercf", Stem: "~ecommerc"},
		{Term: "engineers", Prefix: true, Hi: "engineert", Stem: "~engin"},
		{Term: "电商"}, {Term: "运营"},
		{Term: "r"}, {Term: "d"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("searchTokens = %+v, want %+v", got, want)
	}
	terms := map[string]int16{}
	AddTerms(terms, "E-commerce Engineers, full-time", 8)
	for _, term := range []string{"e", "commerce", "ecommerce", "~ecommerc", "engineers", "~engin", "fulltime", "full", "time"} {
		if terms[term] != 8 {
			t.Errorf("term %q not indexed: %v", term, terms)
		}
	}
}

// TestEveryCharacterIsFindable proves a one-character query's prefix range covers every
// character of an indexed text, wherever it stands in its run.
func TestEveryCharacterIsFindable(t *testing.T) {
	terms := map[string]int16{}
	AddTerms(terms, "高级财务会计（Senior Accountant）", 8)
	for _, ch := range []string{"高", "级", "财", "务", "会", "计"} {
		tok := QueryTokens(ch)[0]
		found := false
		for term := range terms {
			if term >= tok.Term && term < tok.Hi {
				found = true
			}
		}
		if !found {
			t.Errorf("%s not findable in %v", ch, terms)
		}
	}
	for _, w := range []string{"senior", "accountant"} {
		if terms[w] != 8 {
			t.Errorf("word %s not indexed: %v", w, terms)
		}
	}
}
