package db_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Each package owns its tables: it alone names them in queries; other packages call its
// functions. TestTableOwnership reads every production file under app/, finds the tables each
// package declares (its models' TableName methods), and fails when a query of another package
// names one: in Table, Joins, Raw, Exec, Where, Select and the like, or after FROM or JOIN in
// any string.
//
// ownershipDebts lists the crossings that remain, "package table"; the test also fails when
// one of them is gone, so that the list only shrinks. A query through another package's model
// (Model(&zone.Zone{})) names its table as much as a string does and is caught too.
var ownershipDebts = []string{}

// exempt packages work on the database as a whole: backup copies every table, and the demo
// seed writes a history (past briefings, stays, applications) that no use case makes.
var exempt = []string{"backup", "seed"}

var (
	queryMethods = []string{"Table", "Joins", "Raw", "Exec", "Where", "Or", "Not", "Select", "Order", "Group", "Having", "Pluck", "Distinct", "Model"}
	sqlWord      = regexp.MustCompile(`[a-z][a-z0-9_]*`)
	fromJoin     = regexp.MustCompile(`(?i)\b(?:from|join|into|update)\s+([a-z][a-z0-9_]*)`)
)

func TestTableOwnership(t *testing.T) {
	root := filepath.Join("..")
	fset := token.NewFileSet()
	type file struct {
		pkg string
		f   *ast.File
	}
	var files []file
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, file{pkg: strings.Split(filepath.ToSlash(rel), "/")[0], f: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{}
	modelTable := map[string]string{} // "zone.Zone": "zones"
	for _, fl := range files {
		for _, decl := range fl.f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "TableName" || fn.Body == nil || len(fn.Body.List) != 1 {
				continue
			}
			if ret, ok := fn.Body.List[0].(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
				if lit, ok := ret.Results[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					name, _ := strconv.Unquote(lit.Value)
					owner[name] = fl.pkg
					recv := fn.Recv.List[0].Type
					if star, ok := recv.(*ast.StarExpr); ok {
						recv = star.X
					}
					if id, ok := recv.(*ast.Ident); ok {
						modelTable[fl.pkg+"."+id.Name] = name
					}
				}
			}
		}
	}
	if len(owner) < 20 {
		t.Fatalf("found only %d tables: the scan is broken", len(owner))
	}
	found := map[string][]string{}
	note := func(pkg, table string, pos token.Pos) {
		if o, ok := owner[table]; ok && o != pkg && !slices.Contains(exempt, pkg) {
			k := pkg + " " + table
			found[k] = append(found[k], fset.Position(pos).String())
		}
	}
	for _, fl := range files {
		ast.Inspect(fl.f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || !slices.Contains(queryMethods, sel.Sel.Name) {
					return true
				}
				for _, arg := range n.Args {
					ast.Inspect(arg, func(m ast.Node) bool {
						if cl, ok := m.(*ast.CompositeLit); ok {
							if t, ok := cl.Type.(*ast.SelectorExpr); ok {
								if pkg, ok := t.X.(*ast.Ident); ok {
									if table, ok := modelTable[pkg.Name+"."+t.Sel.Name]; ok {
										note(fl.pkg, table, cl.Pos())
									}
								}
							}
						}
						if lit, ok := m.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							s, _ := strconv.Unquote(lit.Value)
							for _, w := range sqlWord.FindAllString(s, -1) {
								note(fl.pkg, w, lit.Pos())
							}
						}
						return true
					})
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					s, _ := strconv.Unquote(n.Value)
					for _, m := range fromJoin.FindAllStringSubmatch(s, -1) {
						note(fl.pkg, m[1], n.Pos())
					}
				}
			}
			return true
		})
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(ownershipDebts, k) {
			t.Errorf("package %s names table %s owned by package %s, at %s: call the owner's functions instead",
				strings.Fields(k)[0], strings.Fields(k)[1], owner[strings.Fields(k)[1]], strings.Join(found[k], ", "))
		}
	}
	for _, k := range ownershipDebts {
		if _, ok := found[k]; !ok {
			t.Errorf("%q no longer occurs: remove it from ownershipDebts", k)
		}
	}
}
