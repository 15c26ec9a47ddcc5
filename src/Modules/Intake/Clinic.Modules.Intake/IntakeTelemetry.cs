using System.Diagnostics;

namespace Clinic.Modules.Intake;

internal static class IntakeTelemetry
{
    public const string SourceName = "Clinic.Intake";

    /// <summary>Event header holding the W3C trace context of the request that appended the event.</summary>
    public const string TraceParentHeader = "traceparent";

    public static readonly ActivitySource Source = new(SourceName);
}
