package jobfair

import (
	"time"

	"zonefair/app/live"
)

// ChatChannels are the live channel types of the job fair's conversations, booth chat and each
// application's, for the hub to define:
//
//	for _, t := range jobfair.ChatChannels() { hub.Define(t) }
//
// Clients only join them (with presence, so a graduate sees whether the booth's staff are
// there); messages are sent over HTTP, stored, then published by the server as
// "chat.message" or "application.message", so history and the live stream never disagree.
func ChatChannels() []live.ChannelType {
	rights := func(typ string) func(live.Identity, string) live.Rights {
		return func(id live.Identity, key string) live.Rights {
			if !id.Anonymous() && CanJoinChatAs(typ, key, id.UserID, id.Role, id.ZoneID, id.EnterpriseID) {
				return live.CanJoin
			}
			return 0
		}
	}
	return []live.ChannelType{
		{Name: ChatChannelType, Rights: rights(ChatChannelType), History: 200, HistoryTTL: 24 * time.Hour, Presence: true, ListLimit: 20},
		{Name: BoothChannelType, Rights: rights(BoothChannelType), History: 200, HistoryTTL: 24 * time.Hour},
		{Name: ApplicationChannelType, Rights: applicationRights, History: 100, HistoryTTL: 24 * time.Hour, Presence: true, ListLimit: 20},
	}
}

func applicationRights(id live.Identity, key string) live.Rights {
	if !id.Anonymous() && CanJoinApplication(key, id.UserID, id.Role, id.ZoneID, id.EnterpriseID) {
		return live.CanJoin
	}
	return 0
}
