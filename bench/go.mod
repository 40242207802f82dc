module github.com/oktasessions/okta-session-go/bench

go 1.25.0

replace github.com/oktasessions/okta-session-go => ../

require (
	github.com/okta/okta-sdk-golang/v2 v2.20.0
	github.com/oktasessions/okta-session-go v0.0.0-00010101000000-000000000000
)

require (
	github.com/BurntSushi/toml v1.1.0 // indirect
	github.com/cenkalti/backoff/v4 v4.1.3 // indirect
	github.com/go-jose/go-jose/v3 v3.0.0 // indirect
	github.com/go-jose/go-jose/v4 v4.1.9 // indirect
	github.com/kelseyhightower/envconfig v1.4.0 // indirect
	github.com/patrickmn/go-cache v0.0.0-20180815053127-5633e0862627 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/crypto v0.0.0-20220525230936-793ad666bf5e // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
