namespace Clinic.Modules.Notifications.Delivery;

/// <summary>
/// The delivery log: one row per request, channel and recipient. A claim is taken before sending and
/// completed after, so a redelivered message never sends twice; a claim left by a crashed worker is
/// taken over after <see cref="ClaimTimeout"/>. A channel whose receiver drops repeats itself (the staff feed) takes
/// no claim: its row is written once, delivered, after the send (<see cref="DeliveryGuard"/>). Public only for Marten's
/// generated storage code.
/// </summary>
public sealed class DeliveryRecord
{
    /// <summary>Comfortably longer than <see cref="DeliveryLog.SendDeadline"/>, so a live send is never taken over.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(60);

    public string Id { get; set; } = "";

    public Guid RequestId { get; set; }

    public string Channel { get; set; } = "";

    public string Recipient { get; set; } = "";

    public DateTimeOffset ClaimedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>How many times a worker started sending (more than one means a takeover after a crash).</summary>
    public int Attempts { get; set; }

    /// <summary>When the delivery stopped being wanted (its request's personal data was erased): it is never sent after.</summary>
    public DateTimeOffset? WithdrawnAt { get; set; }

    /// <summary>
    /// Marten's hook for a document's storage, called before the module's own configuration. DeliveredAt gets a column
    /// of its own, for the module's (delivered_at, id) index, without the single-column index Marten's <c>Duplicate</c>
    /// adds beside it: that one would cost every delivery a write and serve no query.
    /// </summary>
    public static void ConfigureMarten(Marten.Schema.DocumentMapping mapping) => mapping.DuplicateField(nameof(DeliveredAt));
}
