package guard_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// Example guards an app's routes with the Okta session id the app keeps in
// its own cookie, and receives Okta's Universal Logout requests.
func Example() {
	fake, err := oktatest.NewInProcess()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	client := okta.NewAPIClient(fake.Config())

	g, err := guard.New(client, guard.Options{Cookie: "app_session", MaxStale: 5 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()
	mux := http.NewServeMux()
	mux.Handle("/account", g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := guard.SessionFrom(r.Context())
		fmt.Fprintln(w, "signed in as", s.Login)
	})))
	mux.Handle("POST /okta/universal-logout", g.UniversalLogout("https://app.example.com/okta/universal-logout"))

	id, _ := fake.SeedSession(oktatest.SessionSeed{User: oktatest.User{Login: "ada@example.com"}})
	for _, cookie := range []string{id, "102madeupmadeupmadeup00"} {
		r := httptest.NewRequest(http.MethodGet, "/account", nil)
		r.AddCookie(&http.Cookie{Name: "app_session", Value: cookie})
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Print(w.Code, " ", w.Body.String())
	}
	// Output:
	// 200 signed in as ada@example.com
	// 401
}

// ExampleGuard_Check checks a session id and tells why it is refused.
func ExampleGuard_Check() {
	fake, g := exampleOrg()
	defer fake.Close()
	defer g.Close()
	ctx := context.Background()

	sessionID := adasSession(fake)
	s, err := g.Check(ctx, sessionID)
	fmt.Println(s.Login, err)

	_, err = g.Check(ctx, "102madeupmadeupmadeup00")
	var refused *guard.SessionError
	if errors.As(err, &refused) {
		fmt.Println(errors.Is(err, guard.ErrInvalidSession), refused.Reason)
	}
	// Output:
	// ada@example.com <nil>
	// true not found
}

// ExampleGuard_EndSession signs a user out: the session is refused from the
// moment EndSession returns, by every guard sharing the store.
func ExampleGuard_EndSession() {
	fake, g := exampleOrg()
	defer fake.Close()
	defer g.Close()
	ctx := context.Background()
	sessionID := adasSession(fake)

	if err := g.EndSession(ctx, sessionID); err != nil {
		log.Print(err) // Okta did not end it; the guard refuses it anyway
	}
	_, err := g.Check(ctx, sessionID)
	fmt.Println(err)
	// Output:
	// guard: invalid session: revoked
}

// ExampleGuard_UniversalLogout receives a Universal Logout request from the
// fake acting as Okta: the user's sessions are refused from then on.
func ExampleGuard_UniversalLogout() {
	fake, g := exampleOrg()
	defer fake.Close()
	defer g.Close()
	ctx := context.Background()

	mux := http.NewServeMux()
	app := httptest.NewServer(mux)
	defer app.Close()
	endpoint := app.URL + "/okta/universal-logout" // the URL registered in Okta
	mux.Handle("POST /okta/universal-logout", g.UniversalLogout(endpoint))

	sessionID := adasSession(fake)
	status, err := fake.SendUniversalLogout(ctx, endpoint, "ada@example.com")
	fmt.Println(status, err)
	_, err = g.Check(ctx, sessionID)
	fmt.Println(err)
	// Output:
	// 204 <nil>
	// guard: invalid session: revoked
}

// ExampleGuard_Remember signs a user in: the app creates the session and
// gives Okta's answer to the guard, so that its first Check asks Okta
// nothing.
func ExampleGuard_Remember() {
	fake, g := exampleOrg()
	defer fake.Close()
	defer g.Close()
	ctx := context.Background()
	client := okta.NewAPIClient(fake.Config())

	token := fake.IssueSessionToken(oktatest.User{Login: "ada@example.com"})
	s, _, err := client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: token})
	if err != nil {
		log.Fatal(err)
	}
	if err := g.Remember(ctx, s); err != nil {
		log.Fatal(err)
	}
	checked, err := g.Check(ctx, s.Id)
	fmt.Println(checked.Login, err)
	asked := 0
	for _, r := range fake.Requests() {
		if r.Route == oktatest.RouteGetSession {
			asked++
		}
	}
	fmt.Println("GetSession calls:", asked)
	// Output:
	// ada@example.com <nil>
	// GetSession calls: 0
}

// ExampleNew makes a guard: the client's configuration must be valid, and
// an unusable option is an *OptionError naming its field.
func ExampleNew() {
	fake, err := oktatest.NewInProcess()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	cfg := fake.Config()
	cfg.MaxRetries = okta.NoRetries // a Check answered 429 does not wait for Okta's reset
	client := okta.NewAPIClient(cfg)

	_, err = guard.New(client, guard.Options{MaxStale: -time.Minute})
	var bad *guard.OptionError
	fmt.Println(errors.As(err, &bad), bad.Field)

	g, err := guard.New(client, guard.Options{MaxStale: 5 * time.Minute, AllowStatuses: []okta.SessionStatus{okta.SessionStatusActive}})
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()
	fmt.Println(g != nil)
	// Output:
	// true MaxStale
	// true
}

// ExampleGuard_Middleware lets through the requests whose cookie names a
// usable session, with the session on their context; the others get 401.
func ExampleGuard_Middleware() {
	fake, g := exampleOrg()
	defer fake.Close()
	defer g.Close()
	account := g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := guard.SessionFrom(r.Context())
		fmt.Fprintln(w, "account of", s.Login)
	}))

	for _, cookie := range []*http.Cookie{{Name: guard.DefaultCookie, Value: adasSession(fake)}, nil} {
		r := httptest.NewRequest(http.MethodGet, "/account", nil)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		account.ServeHTTP(w, r)
		fmt.Print(w.Code, " ", w.Body.String())
	}
	// Output:
	// 200 account of ada@example.com
	// 401
}

// ExampleGuard_RevokeUser signs a user out everywhere (a stolen device, an
// offboarding): from the moment it returns, every session of the user
// created until then is refused, by every guard sharing the store.
func ExampleGuard_RevokeUser() {
	fake, g := exampleOrg()
	defer fake.Close()
	defer g.Close()
	ctx := context.Background()
	before := adasSession(fake)
	s, err := g.Check(ctx, before)
	if err != nil {
		log.Fatal(err)
	}

	if err := g.RevokeUser(ctx, s.UserId); err != nil {
		log.Print(err) // Okta did not end them; the guard refuses them anyway
	}
	_, err = g.Check(ctx, before)
	fmt.Println(err)
	// Output:
	// guard: invalid session: revoked
}

// exampleOrg starts an in-process fake Okta and a guard of a client of it.
func exampleOrg() (*oktatest.Server, *guard.Guard) {
	fake, err := oktatest.NewInProcess()
	if err != nil {
		log.Fatal(err)
	}
	g, err := guard.New(okta.NewAPIClient(fake.Config()), guard.Options{})
	if err != nil {
		log.Fatal(err)
	}
	return fake, g
}

// adasSession puts a session of ada@example.com into the fake and returns
// its id, as the app's sign-in would have stored it in its cookie.
func adasSession(fake *oktatest.Server) string {
	id, err := fake.SeedSession(oktatest.SessionSeed{User: oktatest.User{Login: "ada@example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	return id
}
