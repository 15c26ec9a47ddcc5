using System.Diagnostics;

namespace Clinic.Modules.Notifications;

internal static class NotificationsTelemetry
{
    public const string SourceName = "Clinic.Notifications";

    public static readonly ActivitySource Source = new(SourceName);
}
