package meeting

import (
	"context"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/jobfair"
	"zonefair/app/project"
	"zonefair/app/zone"
)

// A meeting names zones, enterprises, people, applications, booths and meeting requests; those
// records belong to other capabilities, which meeting reads and moves through these (wired by
// the server to their owners).

// Fair is the job fair's records: graduates' applications and the fairs' booths.
type Fair interface {
	// Interviews returns a graduate's applications in the interview stage, oldest first.
	Interviews(ctx context.Context, userID int64) ([]jobfair.Application, error)
	// FillJobs puts on applications their jobs' titles and employers' names.
	FillJobs(ctx context.Context, apps []jobfair.Application) error
	// HasBooth reports whether a zone has a booth at a fair.
	HasBooth(ctx context.Context, fairID, zoneID int64) (bool, error)
}

// Jobs moves applications through the job fair's pipeline (graduates are told of each move).
type Jobs interface {
	ChangeStatus(ctx context.Context, caller *actor.Actor, ids []int64, status, note string) ([]jobfair.Application, error)
}

// Requests is the investors' meeting requests.
type Requests interface {
	// RequestRefs returns the requests among ids that exist, by id.
	RequestRefs(ctx context.Context, ids []int64) ([]project.RequestRef, error)
	// AcceptedRequests returns an investor's accepted requests, by id.
	AcceptedRequests(ctx context.Context, investorID int64) ([]project.RequestRef, error)
	// RequestLeads returns the ids of the leads the requests concern.
	RequestLeads(ctx context.Context, requestIDs []int64) ([]int64, error)
}

// Leads moves investors' leads on projects (the investor is told).
type Leads interface {
	UpdateLead(ctx context.Context, id int64, caller *actor.Actor, in project.LeadUpdate) (project.Lead, error)
}

// Zones is the zone capability: zones and their enterprises.
type Zones interface {
	// Exists reports whether zone id exists (a not-found error when not).
	Exists(ctx context.Context, id int64) error
	// Enterprise returns enterprise id (a not-found error when there is none).
	Enterprise(ctx context.Context, id int64) (zone.Enterprise, error)
	// EmployerNames returns the names of the zones and enterprises among the ids, by id, in
	// one query.
	EmployerNames(ctx context.Context, zoneIDs, entIDs []int64) (zones, enterprises map[int64]zone.Name, err error)
}

// Users is the account capability.
type Users interface {
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
	// ByEmails returns the users whose email is among emails.
	ByEmails(ctx context.Context, emails []string) ([]account.User, error)
}
