package config

import (
	"log/slog"
	"strings"
	"testing"
)

// fuzzSecret starts every token and private key the fuzz targets load; no
// error may hold it.
const fuzzSecret = "Fz9sEcReT"

// checkLoaderErrors fails if a problem l found holds fuzzSecret.
func checkLoaderErrors(t *testing.T, l *loader) {
	t.Helper()
	for _, p := range l.Problems {
		if strings.Contains(p.Error(), fuzzSecret) {
			t.Fatalf("the problem holds the secret: %v", p)
		}
	}
}

// FuzzLoadYAML checks that no okta.yaml panics the loader or puts a token or
// private key into an error, even one typed where a name belongs.
//
//	go test -run '^$' -fuzz FuzzLoadYAML -fuzztime 30s
func FuzzLoadYAML(f *testing.F) {
	for _, s := range []string{
		"", "okta:", "okta: 1", "okta:\n  client:\n    orgUrl: https://dev-1.okta.com\n    token: x\n",
		"okta:\n  client:\n    scopes: [a, b]\n    rateLimit: {maxRetries: 0, maxBackoff: 3}\n",
		"okta:\n  client: &a\n    token: *a\n", "a: &x [*x]", "okta: {client: {privateKey: '{\"kty\":1}'}}",
		"- - -", "okta:\n  client:\n    token: x\n---\n", "{[a]: b}", "okta: {client: {rateLimit: {maxRetries: 99999999999999999999}}}",
		"okta: {client: {token:$S}}", "okta:\n  client:\n    token $S:\n", "okta:\n  client:\n    token: *$S\n",
		"okta:\n  client:\n    token: !$S x\n", "$S: 1\n", "okta:\n  client:\n    token: \"$S\\q\"\n",
	} {
		f.Add(s)
	}
	work := f.TempDir()
	f.Fuzz(func(t *testing.T, doc string) {
		doc = strings.ReplaceAll(doc, "token: ", "token: "+fuzzSecret)
		doc = strings.ReplaceAll(doc, "privateKey: ", "privateKey: "+fuzzSecret)
		doc = strings.ReplaceAll(doc, "$S", fuzzSecret) // a secret anywhere: in a key, an anchor, a tag
		l := &loader{Options: Options{Work: work, Logger: slog.New(slog.DiscardHandler)}}
		l.parseYAML(&l.Fields, "okta.yaml", []byte(doc))
		checkLoaderErrors(t, l)
	})
}

// FuzzLoadEnv checks that no OKTA_CLIENT_* variable panics the loader or
// puts a token or private key into an error.
//
//	go test -run '^$' -fuzz FuzzLoadEnv -fuzztime 30s
func FuzzLoadEnv(f *testing.F) {
	for _, s := range settings {
		f.Add(strings.TrimPrefix(s.env, envPrefix), "1")
	}
	f.Add("ORGURL", "https://{yourOktaDomain}")
	f.Add("SCOPES", ",, ,")
	f.Add("PRIVATEKEY", "-----BEGIN PRIVATE KEY-----\n\n")
	f.Add("TOKEN$S", "")
	work := f.TempDir()
	f.Fuzz(func(t *testing.T, name, val string) {
		if name == "TOKEN" || name == "PRIVATEKEY" {
			val = fuzzSecret + val
		}
		name = strings.ReplaceAll(name, "$S", fuzzSecret) // a secret typed into the name
		env := []string{envPrefix + name + "=" + val}
		l := &loader{Options: Options{Work: work, Environ: env, EnvSet: true, Logger: slog.New(slog.DiscardHandler)}}
		l.loadEnv(&l.Fields)
		checkLoaderErrors(t, l)
	})
}
