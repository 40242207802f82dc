package okta

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDocComments checks that every exported identifier of the library
// packages (every package of this module but the examples) has a doc comment,
// and that a func's or type's starts with its name. Constants and variables
// may share their group's comment.
func TestDocComments(t *testing.T) {
	dirs := libraryDirs(t)
	for _, want := range []string{".", "oktatest", "guard", "guard/redisstore", "guard/storetest"} {
		require.Contains(t, dirs, filepath.FromSlash(want))
	}
	for _, dir := range dirs {
		fset := token.NewFileSet()
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
			require.NoError(t, err)
			for _, decl := range f.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					if d.Name.IsExported() && (d.Recv == nil || exportedRecv(d.Recv)) {
						checkDoc(t, fset, d.Doc, d.Name.Name, d.Pos())
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch s := spec.(type) {
						case *ast.TypeSpec:
							if s.Name.IsExported() {
								doc := s.Doc
								if doc == nil {
									doc = d.Doc
								}
								checkDoc(t, fset, doc, s.Name.Name, s.Pos())
							}
						case *ast.ValueSpec:
							for _, n := range s.Names {
								if n.IsExported() && s.Doc == nil && s.Comment == nil && d.Doc == nil {
									t.Errorf("%s: %s has no doc comment", fset.Position(n.Pos()), n.Name)
								}
							}
						}
					}
				}
			}
		}
	}
}

// libraryDirs returns the directories of this module's packages that hold
// non-test Go files, but for the examples and the bench module.
func libraryDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "examples", "bench", "testdata", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		dir := filepath.Dir(path)
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	require.NoError(t, err)
	return dirs
}

// exportedRecv reports whether a method's receiver type is exported.
func exportedRecv(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// checkDoc fails unless doc exists and starts with name.
func checkDoc(t *testing.T, fset *token.FileSet, doc *ast.CommentGroup, name string, pos token.Pos) {
	t.Helper()
	if doc == nil {
		t.Errorf("%s: %s has no doc comment", fset.Position(pos), name)
		return
	}
	text := doc.Text()
	if !strings.HasPrefix(text, name+" ") && !strings.HasPrefix(text, "A "+name+" ") && !strings.HasPrefix(text, "An "+name+" ") {
		t.Errorf("%s: the doc comment of %s does not start with its name: %q", fset.Position(pos), name, strings.SplitN(text, "\n", 2)[0])
	}
}
