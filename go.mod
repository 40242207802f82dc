module github.com/oktasessions/okta-session-go

go 1.25.0

require (
	github.com/jarcoal/httpmock v1.4.2
	github.com/stretchr/testify v1.12.1
	golang.org/x/oauth2 v0.36.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
