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
