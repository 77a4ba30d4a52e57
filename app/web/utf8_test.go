package web

import (
	"errors"
	"strings"
	"testing"

	"zonefair/app/errs"
)

func TestBadJSONFieldNamesThePlace(t *testing.T) {
	for body, want := range map[string]string{
		"{'title':'ok','name':'\xff'}":                   "name",
		"{'recipients':[{'name':'a'},{'name':'b\xc3'}]}": "recipients[1].name",
		"{'merge':{'zone':'\xe4\xb8'}}":                  "merge.zone",
		"{'tags':['a','b',['c','\xff']]}":                "tags[2][1]",
		"{'n':1,'list':[1,{'x':true}],'last':'\xfe'}":    "last",
		"{'\xffkey':'v'}":                                "\ufffdkey",
		"'\xff'":                                         "body",
		"{'title':'fine 王五','n':null}":                   "",
		"{'title':'\xff'":                                "title",
		"not json \xff":                                  "",
		"{'a':{'b':[{'c':[]},{'d':'\xff'}]},'e':'\xff'}": "a.b[1].d",
	} {
		body = strings.ReplaceAll(body, "'", `"`)
		if got := badJSONField([]byte(body)); got != want {
			t.Errorf("%q: %q, want %q", body, got, want)
		}
	}
}

func TestDecodeJSONRefusesInvalidUTF8(t *testing.T) {
	var dst struct {
		Title string `json:"title"`
	}
	err := DecodeJSON([]byte("{\"title\":\"王\xff五\"}"), &dst)
	var e *errs.Error
	if !errors.As(err, &e) || !errors.Is(err, errs.ErrInvalid) || len(e.Fields) != 1 || e.Fields[0].Field != "title" || e.Fields[0].Key != "field.utf8" {
		t.Fatalf("%v %+v", err, e)
	}
	if err := DecodeJSON([]byte(`{"title":"王五 \u00e9"}`), &dst); err != nil || dst.Title != "王五 é" {
		t.Fatalf("valid text: %v %q", err, dst.Title)
	}
}
