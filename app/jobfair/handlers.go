package jobfair

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// Handlers serve the job fair's HTTP API.
type Handlers struct {
	Service *Service
}

// FairList is every fair.
type FairList struct {
	Items []Fair `json:"items"`
}

// JobList is a plain list of jobs.
type JobList struct {
	Items []Job `json:"items"`
}

// ApplicationList is a graduate's applications.
type ApplicationList struct {
	Items []Application `json:"items"`
}

// BoothDetail is a booth's page: the zone, its enterprises and its open jobs.
type BoothDetail struct {
	Booth
	FairID int64 `json:"fairId"`
	Jobs   []Job `json:"jobs"`
}

// Routes registers the job-fair routes.
func (h *Handlers) Routes(r *web.Router) {
	admin := web.Roles(web.RoleAdmin)
	employer := web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleEnterprise)
	graduate := web.Roles(web.RoleGraduate)
	route := func(method, path, summary string, access web.Access, rt web.Route, handler fiber.Handler) {
		rt.Method, rt.Path, rt.Summary, rt.Access, rt.Tag, rt.Handler = method, path, summary, access, "jobfair", handler
		r.Handle(rt)
	}
	route("GET", "/api/v1/jobfair/meta", "Degrees, job categories, majors and salary bands", web.Public, web.Route{Response: Meta{}}, h.meta)
	route("GET", "/api/v1/fairs", "Every job fair, newest first", web.Public, web.Route{Response: FairList{}}, h.fairs)
	route("POST", "/api/v1/fairs", "Create a job fair", admin, web.Route{Request: FairInput{}, Response: Fair{}, Status: 201}, h.createFair)
	route("GET", "/api/v1/fairs/:id", "A fair's home: booths by region and industry, live figures", web.Public, web.Route{Response: FairDetail{}}, h.fair)
	route("PUT", "/api/v1/fairs/:id", "Edit a fair and the zones taking part", admin, web.Route{Request: FairInput{}, Response: Fair{}}, h.updateFair)
	route("GET", "/api/v1/fairs/:id/booths/:zoneId", "A zone's booth: enterprises and open jobs", web.Public, web.Route{Response: BoothDetail{}}, h.booth)
	route("GET", "/api/v1/fairs/:id/analytics", "Organiser analytics of a fair (zone staff: their booth)", web.Roles(web.RoleAdmin, web.RoleZoneStaff), web.Route{Query: AnalyticsQuery{}, Response: Analytics{}}, h.analytics)
	route("GET", "/api/v1/fairs/:id/analytics.csv", "Organiser analytics as CSV", web.Roles(web.RoleAdmin, web.RoleZoneStaff), web.Route{Query: AnalyticsQuery{}, Produces: "text/csv"}, h.analyticsCSV)

	route("GET", "/api/v1/jobs", "Search open jobs (Chinese and English text, filters, facets)", web.Public, web.Route{Query: Query{}, Response: Results{}}, h.search)
	route("POST", "/api/v1/jobs", "Post a job (zone staff for their zone or its enterprises, enterprise staff for their own)", employer, web.Route{Request: JobInput{}, Response: Job{}, Status: 201}, h.createJob)
	route("GET", "/api/v1/jobs/:id", "A job (drafts only to those who manage it)", web.Public, web.Route{Response: Job{}}, h.job)
	route("PUT", "/api/v1/jobs/:id", "Edit a job; applications are kept", employer, web.Route{Request: JobInput{}, Response: Job{}}, h.updateJob)
	route("GET", "/api/v1/employer/jobs", "The jobs you manage, with application counts", employer, web.Route{Query: EmployerJobQuery{}, Response: JobPage{}}, h.employerJobs)

	route("GET", "/api/v1/graduate/profile", "Your graduate profile", graduate, web.Route{Response: Profile{}}, h.profile)
	route("PUT", "/api/v1/graduate/profile", "Create or replace your graduate profile", graduate, web.Route{Request: ProfileInput{}, Response: Profile{}}, h.saveProfile)
	route("POST", "/api/v1/graduate/resume", "Upload your resume (PDF, at most 5 MiB)", graduate, web.Route{Upload: true, Response: Profile{}}, h.uploadResume)
	route("GET", "/api/v1/graduate/resume", "Download your resume", graduate, web.Route{Produces: "application/pdf"}, h.myResume)
	route("DELETE", "/api/v1/graduate/resume", "Remove your resume", graduate, web.Route{Status: 204}, h.deleteResume)

	route("POST", "/api/v1/jobs/:id/apply", "Apply with your profile and resume (201 new, 200 already applied)", graduate, web.Route{Request: ApplyRequest{}, Response: Application{}, Status: 201}, h.apply)
	route("GET", "/api/v1/graduate/applications", "Your applications", graduate, web.Route{Response: ApplicationList{}}, h.mine)
	route("POST", "/api/v1/applications/:id/withdraw", "Withdraw your application (until an offer)", graduate, web.Route{Response: Application{}}, h.withdraw)
	route("GET", "/api/v1/applications/:id", "An application: its graduate, or its employer (who marks it viewed)", web.Roles(web.RoleGraduate, web.RoleAdmin, web.RoleZoneStaff, web.RoleEnterprise), web.Route{Response: ApplicationDetail{}}, h.application)
	route("GET", "/api/v1/applications/:id/resume", "The resume sent with an application", web.Roles(web.RoleGraduate, web.RoleAdmin, web.RoleZoneStaff, web.RoleEnterprise), web.Route{Produces: "application/pdf"}, h.applicationResume)
	route("GET", "/api/v1/applications/:id/messages", "An application's conversation between its employer and its graduate, oldest first", web.Roles(web.RoleGraduate, web.RoleAdmin, web.RoleZoneStaff, web.RoleEnterprise), web.Route{Response: Thread{}}, h.thread)
	route("POST", "/api/v1/applications/:id/messages", "Write to the other side of an application", web.Roles(web.RoleGraduate, web.RoleAdmin, web.RoleZoneStaff, web.RoleEnterprise), web.Route{Request: MessageInput{}, Response: AppMessage{}, Status: 201}, h.sayOnApplication)
	route("POST", "/api/v1/applications/:id/status", "Move an application through the pipeline", employer, web.Route{Request: StatusRequest{}, Response: Application{}}, h.status)
	route("GET", "/api/v1/employer/applications", "Your applicants, filtered and sorted", employer, web.Route{Query: ApplicantQuery{}, Response: ApplicantPage{}}, h.applicants)
	route("GET", "/api/v1/employer/applications.csv", "Your applicants as CSV (UTF-8 with BOM)", employer, web.Route{Query: ApplicantQuery{}, Produces: "text/csv"}, h.applicantsCSV)
	route("POST", "/api/v1/employer/applications/status", "Move several applications at once (all or none)", employer, web.Route{Request: BulkStatusRequest{}, Response: BulkResult{}}, h.bulkStatus)

	route("POST", "/api/v1/fairs/:id/booths/:zoneId/chat", "Open (or return) your conversation with a booth's staff, or with one of its enterprises", graduate, web.Route{Query: OpenChatQuery{}, Response: Conversation{}}, h.openChat)
	chatters := web.Roles(web.RoleGraduate, web.RoleZoneStaff, web.RoleEnterprise)
	route("GET", "/api/v1/chat/conversations", "Your conversations (zone staff: your booth's; enterprise staff: your enterprise's)", chatters, web.Route{Query: ConversationQuery{}, Response: ConversationList{}}, h.conversations)
	route("GET", "/api/v1/chat/conversations/:id/messages", "A conversation's history, oldest first", chatters, web.Route{Query: MessageQuery{}, Response: MessagePage{}}, h.messages)
	route("POST", "/api/v1/chat/conversations/:id/messages", "Send a message", chatters, web.Route{Request: MessageInput{}, Response: Message{}, Status: 201}, h.say)
}

func (h *Handlers) store() *Store { return h.Service.Store }

func (h *Handlers) meta(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(Meta{Degrees: Degrees, Categories: Categories, Majors: Majors, SalaryBands: SalaryBands})
}

func (h *Handlers) fairs(c *fiber.Ctx) error {
	list, err := h.store().Fairs(c.UserContext(), h.Service.now())
	if err != nil {
		return err
	}
	return c.JSON(FairList{Items: list})
}

func (h *Handlers) saveFair(c *fiber.Ctx, id int64) error {
	var in FairInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	f := Fair{ID: id, NameZh: trimmed(in.NameZh), NameEn: trimmed(in.NameEn), DescriptionZh: in.DescriptionZh,
		DescriptionEn: in.DescriptionEn, StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(), ZoneIDs: in.ZoneIDs}
	if err := h.store().SaveFair(c.UserContext(), &f); err != nil {
		return err
	}
	out, err := h.store().Fair(c.UserContext(), f.ID, h.Service.now())
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if id == 0 {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(out)
}

func (h *Handlers) createFair(c *fiber.Ctx) error { return h.saveFair(c, 0) }

func (h *Handlers) updateFair(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "fair")
	if err != nil {
		return err
	}
	if _, err := h.store().Fair(c.UserContext(), id, h.Service.now()); err != nil {
		return err
	}
	return h.saveFair(c, id)
}

// visitor identifies the caller for visitor counts without storing who they are.
func visitor(c *fiber.Ctx) string {
	if id := web.CallerID(c); id != 0 {
		return "u" + itoa(id)
	}
	sum := sha256.Sum256([]byte(c.IP() + "\x00" + c.Get(fiber.HeaderUserAgent)))
	return "a" + hex.EncodeToString(sum[:12])
}

func (h *Handlers) fair(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "fair")
	if err != nil {
		return err
	}
	ctx, now := c.UserContext(), h.Service.now()
	f, err := h.store().Fair(ctx, id, now)
	if err != nil {
		return err
	}
	counts, err := h.store().openCounts(ctx, id, now)
	if err != nil {
		return err
	}
	booths, err := h.store().booths(ctx, f.ZoneIDs, counts)
	if err != nil {
		return err
	}
	h.store().views.record(now, id, 0, 0, visitor(c))
	d := FairDetail{Fair: f, Booths: booths, Stats: FairCounts{OpenJobs: counts.total}}
	if err := h.store().fairFigures(ctx, id, &d.Stats); err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handlers) booth(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "fair")
	if err != nil {
		return err
	}
	zoneID, err := web.ParamID(c, "zoneId", "booth")
	if err != nil {
		return err
	}
	ctx, now := c.UserContext(), h.Service.now()
	counts, err := h.store().openCounts(ctx, id, now)
	if err != nil {
		return err
	}
	b, err := h.store().booth(ctx, id, zoneID, counts)
	if err != nil {
		return err
	}
	res, err := h.store().Search(ctx, Query{FairID: id, ZoneID: zoneID, Sort: "date", PageSize: 100}, now)
	if err != nil {
		return err
	}
	h.store().views.record(now, id, zoneID, 0, visitor(c))
	return c.JSON(BoothDetail{Booth: b, FairID: id, Jobs: res.Items})
}

// analyticsScope returns the fair and the zone the caller may see figures for.
func (h *Handlers) analyticsScope(c *fiber.Ctx) (int64, int64, error) {
	id, err := web.ParamID(c, "id", "fair")
	if err != nil {
		return 0, 0, err
	}
	var q AnalyticsQuery
	if err := web.BindQuery(c, &q); err != nil {
		return 0, 0, err
	}
	if _, err := h.store().Fair(c.UserContext(), id, h.Service.now()); err != nil {
		return 0, 0, err
	}
	p := web.CurrentPrincipal(c)
	if p.Role == web.RoleZoneStaff {
		if q.ZoneID != 0 && q.ZoneID != p.ZoneID {
			return 0, 0, errs.Forbidden()
		}
		q.ZoneID = p.ZoneID
	}
	return id, q.ZoneID, nil
}

func (h *Handlers) analytics(c *fiber.Ctx) error {
	fairID, zoneID, err := h.analyticsScope(c)
	if err != nil {
		return err
	}
	a, err := h.store().Analytics(c.UserContext(), fairID, zoneID, h.Service.now())
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (h *Handlers) analyticsCSV(c *fiber.Ctx) error {
	fairID, zoneID, err := h.analyticsScope(c)
	if err != nil {
		return err
	}
	a, err := h.store().Analytics(c.UserContext(), fairID, zoneID, h.Service.now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.WriteCSV(&buf); err != nil {
		return err
	}
	return web.SendCSV(c, "fair-"+itoa(fairID)+"-analytics.csv", buf.Bytes())
}
