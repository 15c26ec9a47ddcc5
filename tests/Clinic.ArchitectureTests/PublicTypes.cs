namespace Clinic.ArchitectureTests;

/// <summary>The public types of the modules' implementations, each with the reason it cannot be internal.</summary>
internal static class PublicTypes
{
    private const string HostEntry = "the host calls it to add the module";
    private const string MartenStore = "a module's own Marten store: the host applies its schema (migrate)";
    private const string MartenDocument = "stored by Marten, whose generated storage code is compiled outside the module";
    private const string MartenEvent = "an event stored by Marten, whose generated code is compiled outside the module";
    private const string MassTransitMessage = "a message internal to the module, which MassTransit's serializer must see";

    public static readonly Dictionary<string, string> Surface = new()
    {
        ["Clinic.Modules.Content.ContentModule"] = HostEntry,
        ["Clinic.Modules.Content.IContentStore"] = MartenStore,
        ["Clinic.Modules.Content.Editing.ContentItemView"] = MartenDocument,
        ["Clinic.Modules.Content.Editing.ContentDraftSaved"] = MartenEvent,
        ["Clinic.Modules.Content.Editing.ContentSubmittedForReview"] = MartenEvent,
        ["Clinic.Modules.Content.Editing.ContentApproved"] = MartenEvent,
        ["Clinic.Modules.Content.Editing.ContentPublished"] = MartenEvent,
        ["Clinic.Modules.Content.Editing.ContentUnpublished"] = MartenEvent,
        ["Clinic.Modules.Content.Editing.ContentRolledBack"] = MartenEvent,
        ["Clinic.Modules.Content.Editing.ContentPublishScheduled"] = MartenEvent,
        ["Clinic.Modules.Content.Editing.ContentScheduleCancelled"] = MartenEvent,
        ["Clinic.Modules.Content.Crisis.CrisisResourcesViewComponent"] = "view components are found by MVC only when public; every module's pages render it by name",
        ["Clinic.Modules.Content.Editing.ContentPreviewBannerViewComponent"] = "view components are found by MVC only when public; the layout renders it by name to mark a preview of a content draft",
        ["Clinic.Modules.Intake.IntakeModule"] = HostEntry,
        ["Clinic.Modules.Intake.IIntakeStore"] = MartenStore,
        ["Clinic.Modules.Intake.Audit.AuditCommands"] = "the host's command line runs audit verify, replay and export",
        ["Clinic.Modules.Intake.Audit.EventSeal"] = MartenDocument,
        ["Clinic.Modules.Intake.ConditionOptions.ConditionChoices"] = MartenDocument,
        ["Clinic.Modules.Intake.Triage.PersonalDataAccess"] = MartenDocument,
        ["Clinic.Modules.Intake.OnCall.OnCallSchedule"] = MartenDocument,
        ["Clinic.Modules.Intake.OnCall.OnCallPerson"] = "held by the OnCallSchedule document",
        ["Clinic.Modules.Intake.OnCall.OnCallHandOver"] = "held by the OnCallSchedule document",
        ["Clinic.Modules.Intake.OnCall.OnCallOverride"] = "held by the OnCallSchedule document",
        ["Clinic.Modules.Intake.Triage.RequestStatus"] = "held by Marten documents (InboxEntry, RequestView)",
        ["Clinic.Modules.Intake.ReadModels.AuditEntry"] = MartenDocument,
        ["Clinic.Modules.Intake.ReadModels.InboxEntry"] = MartenDocument,
        ["Clinic.Modules.Intake.ReadModels.RequestReceipt"] = MartenDocument,
        ["Clinic.Modules.Intake.ReadModels.RequestView"] = MartenDocument,
        ["Clinic.Modules.Intake.ReadModels.ResponseRecord"] = MartenDocument,
        ["Clinic.Modules.Intake.Domain.ContactRequest"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.RequestSubmitted"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.SuspectedSpamReceived"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.RequestMarkedUrgent"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.NotificationFailed"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.StaffAlerted"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.RequestAcknowledged"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.RequestAssigned"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.ContactAttempted"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.CallScheduled"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.RequestDeclined"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.RequestClosed"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.NoteAdded"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.SpamCleared"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.ResponseDeadlinesSet"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.EscalationRaised"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.PersonalDataErased"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.LegalHoldPlaced"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.LegalHoldLifted"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.ErasureRequested"] = MartenEvent,
        ["Clinic.Modules.Intake.Domain.ErasureApproved"] = MartenEvent,
        ["Clinic.Modules.Intake.Privacy.PrivacyStatus"] = MartenDocument,
        ["Clinic.Modules.Intake.Domain.EncryptedPersonalData"] = "part of RequestSubmitted, SuspectedSpamReceived and NoteAdded, " + MartenEvent,
        ["Clinic.Modules.Intake.Privacy.RequestDataKey"] = MartenDocument,
        ["Clinic.Modules.Intake.Privacy.PrivacyCommands"] = "the host's command line runs privacy rewrap",
        ["Clinic.Modules.Notifications.NotificationsModule"] = HostEntry,
        ["Clinic.Modules.Notifications.INotificationsStore"] = MartenStore,
        ["Clinic.Modules.Notifications.Delivery.DeliveryRecord"] = MartenDocument,
        ["Clinic.Modules.Notifications.NotifyStaff.DeliverStaffAlert"] = MassTransitMessage,
        ["Clinic.Modules.Notifications.NotifyStaff.EscalationAlert"] = "part of DeliverStaffAlert, " + MassTransitMessage,
        ["Clinic.Modules.Notifications.Feed.StaffFeedItem"] = MassTransitMessage,
    };
}
