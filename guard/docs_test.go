package guard_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/oktasessions/okta-session-go/guard"
)

// TestDocsCoverEveryMethod holds docs/Guard.md to the Guard's methods and
// Options' fields.
func TestDocsCoverEveryMethod(t *testing.T) {
	page, err := os.ReadFile("../docs/Guard.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(page)
	typ := reflect.TypeFor[*guard.Guard]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		for _, want := range []string{"\n# **" + name + "**\n", "[**" + name + "**](Guard.md#" + strings.ToLower(name) + ")"} {
			if !strings.Contains(text, want) {
				t.Errorf("docs/Guard.md lacks %q", want)
			}
		}
	}
	opts := reflect.TypeFor[guard.Options]()
	for i := range opts.NumField() {
		if name := opts.Field(i).Name; !strings.Contains(text, " **"+name+"** |") {
			t.Errorf("docs/Guard.md lacks the option %s", name)
		}
	}
}
