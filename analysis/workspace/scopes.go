package workspace

import (
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// Risk is how much a granted OAuth scope exposes.
type Risk string

// The risk levels of scopes: high is full Drive, reading or changing mail,
// changing mail forwarding, writing the admin directory; medium is
// metadata, calendars, contacts, chat and sending mail; low is sign-in
// scopes and the files an app made itself.
const (
	RiskHigh   Risk = "high"
	RiskMedium Risk = "medium"
	RiskLow    Risk = "low"
)

// The kinds of user data scopes reach; each is a derived resource per user
// (the directory: per customer).
const (
	DataMail          = "mail"
	DataMailMetadata  = "mail-metadata"
	DataMailSettings  = "mail-settings"
	DataDrive         = "drive"
	DataDriveMetadata = "drive-metadata"
	DataAppFiles      = "drive-app-files"
	DataCalendar      = "calendar"
	DataContacts      = "contacts"
	DataChat          = "chat"
	DataDirectory     = "directory"
)

// classification rates each kind of data, as the data-classification tag
// the default sensitivity reads (restricted 5, confidential 3, internal 1).
var classification = map[string]string{
	DataMail: "restricted", DataMailSettings: "restricted", DataDrive: "restricted", DataDirectory: "restricted",
	DataMailMetadata: "confidential", DataDriveMetadata: "confidential", DataCalendar: "confidential",
	DataContacts: "confidential", DataChat: "confidential",
	DataAppFiles: "internal",
}

// describe names each kind of data for node names.
var describe = map[string]string{
	DataMail: "mail", DataMailMetadata: "mail headers and labels", DataMailSettings: "mail settings (forwarding, filters, delegates)",
	DataDrive: "files in Drive", DataDriveMetadata: "Drive file metadata", DataAppFiles: "Drive files an app made",
	DataCalendar: "calendars", DataContacts: "contacts", DataChat: "chat messages", DataDirectory: "directory",
}

// Scope is what one OAuth scope gives an app over its user's data.
type Scope struct {
	// Data is the kind of data reached ("" for none: sign-in scopes).
	Data string
	// Access is the level it gives.
	Access graphmodel.Access
	Risk   Risk
	// AdminWrite marks an admin directory scope that writes: granted by a
	// super administrator, it administers the customer.
	AdminWrite bool
	// What says in a few words what it allows.
	What string
}

const authPrefix = "https://www.googleapis.com/auth/"

// scopes are the known scopes, by their name after authPrefix (the full
// URL for the others).
var scopes = map[string]Scope{
	"https://mail.google.com/": {DataMail, graphmodel.AccessAdmin, RiskHigh, false, "read, send and permanently delete all mail"},
	"gmail.modify":             {DataMail, graphmodel.AccessWrite, RiskHigh, false, "read, send and change mail"},
	"gmail.readonly":           {DataMail, graphmodel.AccessRead, RiskHigh, false, "read all mail"},
	"gmail.compose":            {DataMail, graphmodel.AccessWrite, RiskMedium, false, "draft and send mail as the user"},
	"gmail.send":               {DataMail, graphmodel.AccessWrite, RiskMedium, false, "send mail as the user"},
	"gmail.insert":             {DataMail, graphmodel.AccessWrite, RiskMedium, false, "insert messages into the mailbox"},
	"gmail.metadata":           {DataMailMetadata, graphmodel.AccessRead, RiskMedium, false, "read mail headers and labels"},
	"gmail.labels":             {DataMailMetadata, graphmodel.AccessWrite, RiskLow, false, "manage mail labels"},
	"gmail.settings.basic":     {DataMailSettings, graphmodel.AccessWrite, RiskMedium, false, "change mail settings and filters"},
	"gmail.settings.sharing":   {DataMailSettings, graphmodel.AccessAdmin, RiskHigh, false, "set forwarding and delegates: mail leaves silently"},
	"drive":                    {DataDrive, graphmodel.AccessAdmin, RiskHigh, false, "read, change, share and delete every file in Drive"},
	"drive.readonly":           {DataDrive, graphmodel.AccessRead, RiskHigh, false, "read every file in Drive"},
	"documents":                {DataDrive, graphmodel.AccessWrite, RiskHigh, false, "read and change every document"},
	"documents.readonly":       {DataDrive, graphmodel.AccessRead, RiskHigh, false, "read every document"},
	"spreadsheets":             {DataDrive, graphmodel.AccessWrite, RiskHigh, false, "read and change every spreadsheet"},
	"spreadsheets.readonly":    {DataDrive, graphmodel.AccessRead, RiskHigh, false, "read every spreadsheet"},
	"presentations":            {DataDrive, graphmodel.AccessWrite, RiskHigh, false, "read and change every presentation"},
	"presentations.readonly":   {DataDrive, graphmodel.AccessRead, RiskHigh, false, "read every presentation"},
	"drive.metadata":           {DataDriveMetadata, graphmodel.AccessWrite, RiskMedium, false, "read and change file metadata"},
	"drive.metadata.readonly":  {DataDriveMetadata, graphmodel.AccessRead, RiskMedium, false, "read file names, owners and sharing"},
	"drive.file":               {DataAppFiles, graphmodel.AccessWrite, RiskLow, false, "the files the app made or was given"},
	"drive.appdata":            {DataAppFiles, graphmodel.AccessWrite, RiskLow, false, "the app's own configuration data"},
	"calendar":                 {DataCalendar, graphmodel.AccessAdmin, RiskMedium, false, "read, change and share every calendar"},
	"calendar.readonly":        {DataCalendar, graphmodel.AccessRead, RiskMedium, false, "read every calendar"},
	"calendar.events":          {DataCalendar, graphmodel.AccessWrite, RiskMedium, false, "read and change events"},
	"calendar.events.readonly": {DataCalendar, graphmodel.AccessRead, RiskMedium, false, "read events"},
	"contacts":                 {DataContacts, graphmodel.AccessWrite, RiskMedium, false, "read and change contacts"},
	"contacts.readonly":        {DataContacts, graphmodel.AccessRead, RiskMedium, false, "read contacts"},
	"contacts.other.readonly":  {DataContacts, graphmodel.AccessRead, RiskMedium, false, "read other contacts"},
	"directory.readonly":       {DataDirectory, graphmodel.AccessRead, RiskMedium, false, "read the organization's directory"},
	"chat.messages":            {DataChat, graphmodel.AccessWrite, RiskMedium, false, "read and send chat messages"},
	"chat.messages.readonly":   {DataChat, graphmodel.AccessRead, RiskMedium, false, "read chat messages"},
	"cloud-platform":           {"", "", RiskHigh, false, "act as the user on Google Cloud (its IAM roles are the GCP analysis's)"},
	"openid":                   {"", "", RiskLow, false, "sign in"},
	"email":                    {"", "", RiskLow, false, "see the address"},
	"profile":                  {"", "", RiskLow, false, "see the profile"},
	"userinfo.email":           {"", "", RiskLow, false, "see the address"},
	"userinfo.profile":         {"", "", RiskLow, false, "see the profile"},
}

// ScopeOf returns what a granted scope gives. An admin directory scope
// not listed writes unless it ends with .readonly; any other unknown
// scope gives nothing the analysis models (low risk).
func ScopeOf(scope string) Scope {
	name := strings.TrimPrefix(scope, authPrefix)
	if s, ok := scopes[name]; ok {
		return s
	}
	if rest, ok := strings.CutPrefix(name, "admin.directory."); ok {
		if strings.HasSuffix(rest, ".readonly") {
			return Scope{DataDirectory, graphmodel.AccessRead, RiskMedium, false, "read the admin directory (" + rest + ")"}
		}
		return Scope{DataDirectory, graphmodel.AccessAdmin, RiskHigh, true, "manage the admin directory (" + rest + ")"}
	}
	return Scope{Risk: RiskLow, What: "not modelled"}
}
