// Package version holds the build's version, set at link time with
// -ldflags "-X zonefair/app/version.Version=...".
package version

// Version is the release name of this build; "dev" for local builds.
var Version = "dev"
