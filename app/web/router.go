package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/swaggest/openapi-go"
	"github.com/swaggest/openapi-go/openapi3"

	"zonefair/app/version"
)

// Route declares one endpoint: where it is, who may call it, what it takes and returns. Every
// route of the API is registered through a Router so that access rules and the OpenAPI document
// come from one declaration.
type Route struct {
	Method   string
	Path     string // fiber syntax, e.g. /api/v1/zones/:id
	Summary  string
	Tag      string
	Access   Access
	Query    any // struct with `query` tags
	Request  any // JSON body
	Upload   bool
	Response any // JSON body of the success response; nil for no body
	Status   int // success status; 200 when zero
	// Produces names a non-JSON success content type (an image, a CSV, a websocket upgrade…).
	Produces string
	Handler  fiber.Handler
}

// Router registers routes on a fiber app and keeps their declarations.
//
// Routing ignores case and a trailing slash (fiber's defaults): /API/V1/Jobs/ is /api/v1/jobs.
// Anything that depends on which endpoint was called, such as a rate limit, therefore hangs on
// the matched route (Guard), never on the spelling of the request's path.
type Router struct {
	app    *fiber.App
	routes []Route
	// Guard, when set before routes are registered, gives each route a handler run after its
	// access check and before its own handler (nil for none).
	Guard func(rt Route) fiber.Handler

	once sync.Once
	doc  []byte
	err  error
}

// NewRouter wraps app.
func NewRouter(app *fiber.App) *Router { return &Router{app: app} }

// Handle registers rt, guarded by its access rule.
func (r *Router) Handle(rt Route) {
	if rt.Status == 0 {
		rt.Status = fiber.StatusOK
	}
	if rt.Handler == nil {
		panic("web: route without handler: " + rt.Method + " " + rt.Path)
	}
	access := rt.Access
	handlers := []fiber.Handler{func(c *fiber.Ctx) error {
		// The caller's account is read before any route that checks who calls or changes
		// something; a public page reads it only if it asks (DeferPrincipal).
		if !access.public || !readOnly(c.Method()) {
			if _, err := ResolvePrincipal(c); err != nil {
				return err
			}
		}
		if err := access.check(c); err != nil {
			return err
		}
		if err := c.Next(); err != nil {
			return err
		}
		// A public page that asked for its caller when their account could not be read
		// fails as every page did before it would have started.
		return principalError(c)
	}}
	if r.Guard != nil {
		if g := r.Guard(rt); g != nil {
			handlers = append(handlers, g)
		}
	}
	r.app.Add(rt.Method, rt.Path, append(handlers, rt.Handler)...)
	r.routes = append(r.routes, rt)
}

func readOnly(method string) bool {
	return method == fiber.MethodGet || method == fiber.MethodHead || method == fiber.MethodOptions
}

// Routes returns every declared route.
func (r *Router) Routes() []Route { return r.routes }

var pathParam = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// OpenAPIPath turns fiber's /zones/:id into OpenAPI's /zones/{id}.
func OpenAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

// OpenAPI returns the OpenAPI 3 document of every declared route, built once.
func (r *Router) OpenAPI() ([]byte, error) {
	r.once.Do(func() { r.doc, r.err = r.buildOpenAPI() })
	return r.doc, r.err
}

func (r *Router) buildOpenAPI() ([]byte, error) {
	ref := openapi3.NewReflector()
	ref.Spec.Info.WithTitle("Zonefair API").WithVersion(version.Version).
		WithDescription("Errors share one shape: {\"error\":{\"code\",\"message\",\"details\"}}. " +
			"Mutating requests made with the session cookie carry X-CSRF-Token.")
	ref.Spec.SetAPIKeySecurity("session", "zf_session", openapi.InCookie, "Session cookie set by login.")
	for _, rt := range r.routes {
		oc, err := ref.NewOperationContext(rt.Method, OpenAPIPath(rt.Path))
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", rt.Method, rt.Path, err)
		}
		oc.SetSummary(rt.Summary)
		oc.SetDescription("Access: " + rt.Access.String() + ".")
		if rt.Tag != "" {
			oc.SetTags(rt.Tag)
		}
		if !rt.Access.IsPublic() {
			oc.AddSecurity("session")
		}
		if params := pathParam.FindAllStringSubmatch(rt.Path, -1); len(params) > 0 {
			oc.AddReqStructure(pathStruct(params))
		}
		if rt.Query != nil {
			oc.AddReqStructure(rt.Query)
		}
		if rt.Request != nil {
			oc.AddReqStructure(rt.Request)
		}
		if rt.Upload {
			oc.AddReqStructure(struct {
				File []byte `formData:"file" format:"binary" required:"true"`
			}{})
		}
		switch {
		case rt.Produces != "":
			oc.AddRespStructure(nil, openapi.WithHTTPStatus(rt.Status), openapi.WithContentType(rt.Produces))
		case rt.Response != nil:
			oc.AddRespStructure(rt.Response, openapi.WithHTTPStatus(rt.Status))
		default:
			oc.AddRespStructure(nil, openapi.WithHTTPStatus(rt.Status))
		}
		for _, s := range errorStatuses(rt) {
			oc.AddRespStructure(ErrorBody{}, openapi.WithHTTPStatus(s))
		}
		if err := ref.AddOperation(oc); err != nil {
			return nil, fmt.Errorf("%s %s: %w", rt.Method, rt.Path, err)
		}
	}
	return json.MarshalIndent(ref.Spec, "", "  ")
}

func errorStatuses(rt Route) []int {
	var out []int
	if rt.Request != nil || rt.Query != nil || rt.Upload {
		out = append(out, http.StatusBadRequest)
	}
	if !rt.Access.IsPublic() {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
	}
	if strings.Contains(rt.Path, ":") {
		out = append(out, http.StatusNotFound)
	}
	return out
}

// pathStruct builds a struct type whose fields are the path parameters, for the reflector.
func pathStruct(params [][]string) any {
	fields := make([]reflect.StructField, 0, len(params))
	for _, p := range params {
		typ := reflect.TypeOf("")
		if p[1] == "id" || strings.HasSuffix(p[1], "ID") || strings.HasSuffix(p[1], "Id") {
			typ = reflect.TypeOf(int64(0))
		}
		fields = append(fields, reflect.StructField{
			Name: strings.ToUpper(p[1][:1]) + p[1][1:],
			Type: typ,
			Tag:  reflect.StructTag(fmt.Sprintf(`path:"%s"`, p[1])),
		})
	}
	return reflect.New(reflect.StructOf(fields)).Elem().Interface()
}
