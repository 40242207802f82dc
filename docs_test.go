package okta

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// markdownFiles returns README.md, DESIGN.md, bench/README.md and docs/*.md
// with their contents.
func markdownFiles(t *testing.T) map[string]string {
	t.Helper()
	names, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	files := map[string]string{}
	for _, name := range append(names, "README.md", "DESIGN.md", filepath.Join("bench", "README.md")) {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		files[name] = string(b)
	}
	return files
}

func TestDocs_noPlaceholders(t *testing.T) {
	for name, text := range markdownFiles(t) {
		for _, p := range []string{"{{", "}}", "TODO", "TBD"} {
			assert.NotContains(t, text, p, name)
		}
	}
}

func TestDocs_everyOperation(t *testing.T) {
	readme, _ := os.ReadFile("README.md")
	for page, typ := range map[string]reflect.Type{
		"SessionApi":      reflect.TypeFor[SessionApi](),
		"UserSessionsApi": reflect.TypeFor[UserSessionsApi](),
	} {
		api, _ := os.ReadFile("docs/" + page + ".md")
		require.NotZero(t, typ.NumMethod())
		for i := range typ.NumMethod() {
			name := typ.Method(i).Name
			assert.Contains(t, string(api), "\n# **"+name+"**\n", "docs/%s.md lacks a section for %s", page, name)
			assert.Contains(t, string(api), "[**"+name+"**]("+page+".md#"+strings.ToLower(name)+")", "docs/%s.md table lacks %s", page, name)
			assert.Contains(t, string(readme), "[**"+name+"**](docs/"+page+".md#"+strings.ToLower(name)+")", "README table lacks %s", name)
		}
	}
}

// TestDocs_backLinks holds every page of docs/ to the generated layout's
// back-links: one after each method of an API page, one at the end of a
// model page.
func TestDocs_backLinks(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	for _, p := range pages {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		text := string(b)
		links := strings.Count(text, "[[Back to API list]](../README.md#documentation-for-api-endpoints)")
		assert.Equal(t, links, strings.Count(text, "[[Back to README]](../README.md)"), p)
		if methods := strings.Count(text, "\n# **"); methods > 0 {
			assert.GreaterOrEqual(t, links, methods, "%s: a method section without its back-links", p)
			assert.Contains(t, text, "[[Back to top]](#"+strings.ToLower(strings.TrimSuffix(filepath.Base(p), ".md"))+")", p)
		} else {
			assert.Equal(t, 1, links, "%s: a model page ends with its back-links", p)
		}
		assert.True(t, strings.HasSuffix(strings.TrimSpace(text), "[[Back to README]](../README.md)"), "%s does not end with its back-links", p)
	}
}

// modelTypes parses model_*.go and returns each exported type with the names
// its page must list: struct fields, or the constants of a string enum.
func modelTypes(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("model_*.go")
	require.NoError(t, err)
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					names := []string{}
					if st, ok := s.Type.(*ast.StructType); ok {
						for _, field := range st.Fields.List {
							for _, n := range field.Names {
								names = append(names, n.Name)
							}
						}
					}
					out[s.Name.Name] = append(out[s.Name.Name], names...)
				case *ast.ValueSpec:
					if id, ok := s.Type.(*ast.Ident); ok && gd.Tok == token.CONST {
						for _, n := range s.Names {
							out[id.Name] = append(out[id.Name], n.Name)
						}
					}
				}
			}
		}
	}
	return out
}

func TestDocs_everyModel(t *testing.T) {
	readme, _ := os.ReadFile("README.md")
	models := modelTypes(t)
	require.NotEmpty(t, models)
	for typ, names := range models {
		page, err := os.ReadFile("docs/" + typ + ".md")
		if !assert.NoError(t, err, "no page for model %s", typ) {
			continue
		}
		assert.True(t, strings.HasPrefix(string(page), "# "+typ+"\n"), "docs/%s.md heading", typ)
		assert.Contains(t, string(readme), "["+typ+"](docs/"+typ+".md)", "README model list lacks %s", typ)
		listed := regexp.MustCompile("(?m)^(?:\\*\\*(\\w+)\\*\\*|`(\\w+)`) \\|").FindAllStringSubmatch(string(page), -1)
		var got []string
		for _, m := range listed {
			got = append(got, m[1]+m[2])
		}
		assert.ElementsMatch(t, names, got, "docs/%s.md rows", typ)
	}
	pages, _ := filepath.Glob("docs/*.md")
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".md")
		_, isModel := models[name]
		assert.True(t, isModel || name == "SessionApi" || name == "UserSessionsApi" || name == "Guard", "%s documents nothing that exists", p) // Guard: package guard, checked by its own tests
	}
}

// slug is GitHub's anchor for a heading.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors returns the anchors of a markdown text's headings.
func anchors(text string) []string {
	var out []string
	inCode := false
	for line := range strings.SplitSeq(text, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		if h, ok := strings.CutPrefix(line, "#"); ok && !inCode {
			out = append(out, slug(strings.TrimLeft(h, "#")))
		}
	}
	return out
}

func TestDocs_links(t *testing.T) {
	files := markdownFiles(t)
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for name, text := range files {
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			file := name
			if path != "" {
				file = filepath.Clean(filepath.Join(filepath.Dir(name), path))
			}
			body, err := os.ReadFile(file)
			if !assert.NoError(t, err, "%s links to %s", name, target) || anchor == "" {
				continue
			}
			assert.Contains(t, anchors(string(body)), anchor, "%s links to %s: no such heading", name, target)
		}
	}
}

// trimmedLines returns the non-blank lines of s, trimmed.
func trimmedLines(s string) []string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// TestDocs_codeCompiles holds every Go block of the docs to compiled code: a
// whole program must be a file under examples/, a fragment must stand line
// for line in a test file (Example functions, mostly), so it compiles and runs.
func TestDocs_codeCompiles(t *testing.T) {
	var sources [][]string
	var programs []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		b, err := os.ReadFile(path)
		if strings.HasPrefix(path, "examples"+string(filepath.Separator)) && !strings.HasSuffix(path, "_test.go") {
			programs = append(programs, string(b))
		}
		if strings.HasSuffix(path, "_test.go") {
			sources = append(sources, trimmedLines(string(b)))
		}
		return err
	})
	require.NoError(t, err)
	blocks := 0
	for name, text := range markdownFiles(t) {
		for _, m := range regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(text, -1) {
			blocks++
			code := m[1]
			if strings.HasPrefix(code, "package ") {
				assert.Contains(t, programs, code, "%s: a program that is not a file under examples/", name)
				continue
			}
			want := trimmedLines(code)
			found := slices.ContainsFunc(sources, func(src []string) bool {
				for i := 0; i+len(want) <= len(src); i++ {
					if slices.Equal(src[i:i+len(want)], want) {
						return true
					}
				}
				return false
			})
			assert.True(t, found, "%s: this Go block is in no test file, so nothing compiles it:\n%s", name, code)
		}
	}
	assert.Greater(t, blocks, 5)
}

// TestDocs_benchPatterns holds every benchmark command the docs and the code
// comments give (go test [./pkg] -run '^$' -bench PATTERN) to a pattern that
// matches at least one benchmark of that package, so that a renamed
// benchmark cannot leave a command that silently runs nothing.
func TestDocs_benchPatterns(t *testing.T) {
	command := regexp.MustCompile(`(?:cd ([\w/]+) && )?go test(?: (\./[\w/]+))? -run '\^\$' -bench ('[^']+'|[^\s` + "`" + `]+)`)
	benchmark := regexp.MustCompile(`(?m)^func (Benchmark\w+)\(b \*testing\.B\)`)
	benchmarksIn := func(dir string) []string {
		files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		require.NoError(t, err)
		var names []string
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, m := range benchmark.FindAllStringSubmatch(string(b), -1) {
				names = append(names, m[1])
			}
		}
		return names
	}
	texts := markdownFiles(t)
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
			b, err := os.ReadFile(path)
			texts[path] = string(b)
			return err
		}
		return err
	})
	require.NoError(t, err)
	commands := 0
	for name, text := range texts {
		for _, m := range command.FindAllStringSubmatch(text, -1) {
			commands++
			dir := filepath.Join(m[1], m[2]) // "cd bench && go test ./x": bench/x
			switch {
			case dir != "":
			case strings.HasSuffix(name, ".go"):
				dir = filepath.Dir(name) // a comment's command runs in its package
			}
			pattern := strings.Trim(m[3], "'")
			top, _, _ := strings.Cut(pattern, "/")
			re, err := regexp.Compile(top)
			if !assert.NoError(t, err, "%s: %s", name, m[0]) {
				continue
			}
			names := benchmarksIn(filepath.Clean(dir))
			assert.True(t, slices.ContainsFunc(names, re.MatchString), "%s: %s matches no benchmark in %s (%v)", name, m[0], dir, names)
		}
	}
	assert.Greater(t, commands, 10)
}
