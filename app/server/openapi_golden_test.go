package server_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"zonefair/app/db/dbtest"
)

var updateOpenAPI = flag.Bool("update-openapi", false, "rewrite frontend/src/api/openapi.json from the registered routes")

// TestFrontendOpenAPIIsCurrent keeps the copy of the API document that the frontend generates
// its types from identical to what the server serves, so a changed route breaks the frontend's
// type check instead of a user's page. Run `go test ./app/server -run OpenAPI -update-openapi`
// after changing a route.
func TestFrontendOpenAPIIsCurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.Open(t, "sqlite"))
	served, err := e.app.Router.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	served = append(served, '\n')
	path := filepath.Join("..", "..", "frontend", "src", "api", "openapi.json")
	if *updateOpenAPI {
		if err := os.WriteFile(path, served, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	kept, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./app/server -run OpenAPI -update-openapi)", err)
	}
	if !bytes.Equal(kept, served) {
		t.Fatalf("%s is out of date with the registered routes; run: go test ./app/server -run OpenAPI -update-openapi, then npm run gen:api in frontend/", path)
	}
}
