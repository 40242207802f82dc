package okta_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	okta "github.com/oktasessions/okta-session-go"
)

// ExampleLoadConfiguration reads a .okta.yaml and a few variables; a real
// program calls LoadConfiguration() without options, so that it reads
// ~/.okta/okta.yaml, ./.okta.yaml and its own environment.
func ExampleLoadConfiguration() {
	dir, err := os.MkdirTemp("", "okta-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	yaml := "okta:\n  client:\n    orgUrl: https://dev-123456.okta.com\n    rateLimit:\n      maxRetries: 4\n"
	if err := os.WriteFile(filepath.Join(dir, ".okta.yaml"), []byte(yaml), 0o600); err != nil {
		log.Fatal(err)
	}
	env := []string{"OKTA_CLIENT_TOKEN=00your-api-token", "OKTA_CLIENT_REQUEST_TIMEOUT=90"}

	cfg, err := okta.LoadConfiguration(okta.WithoutSource(okta.SourceHomeFile), okta.WithWorkDir(dir), okta.WithEnviron(env))
	fmt.Println(err)
	fmt.Println(cfg.BasePath, cfg.MaxRetries, cfg.Timeout, cfg.APIToken != "")

	// Every mistake at once, each naming its variable (or file and key).
	env = []string{"OKTA_CLIENT_ORGURL=https://dev-123456-admin.okta.com", "OKTA_CLIENT_TOKEN={apiToken}", "OKTA_CLIENT_ORG_URL=x"}
	_, err = okta.LoadConfiguration(okta.WithoutSource(okta.SourceHomeFile, okta.SourceWorkDirFile), okta.WithEnviron(env))
	fmt.Println(err)
	// Output:
	// <nil>
	// https://dev-123456.okta.com 4 1m30s true
	// okta: OKTA_CLIENT_ORGURL is the Admin Console's URL: remove -admin from the host; want your org URL, such as https://dev-123456.okta.com
	// okta: OKTA_CLIENT_ORG_URL is not a variable this client reads; did you mean OKTA_CLIENT_ORGURL?
	// okta: OKTA_CLIENT_TOKEN still holds the placeholder {apiToken}: replace it with an API token (Admin Console, Security > API > Tokens)
}

// ExampleLoadConfiguration_service is how a service starts: the files and
// the environment, every problem reported before the first call.
func ExampleLoadConfiguration_service() {
	cfg, err := okta.LoadConfiguration() // ~/.okta/okta.yaml, ./.okta.yaml, then OKTA_CLIENT_* variables
	if err != nil {
		log.Fatal(err) // each problem names its variable, or its file and key
	}
	client := okta.NewAPIClient(cfg)
	_ = client
}
