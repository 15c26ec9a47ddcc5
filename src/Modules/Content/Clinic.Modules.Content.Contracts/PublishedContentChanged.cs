namespace Clinic.Modules.Content.Contracts;

/// <summary>
/// Something visitors read was published, unpublished or rolled back, on the host that says so. Every host hears it
/// on its own temporary queue and reloads Content's published snapshot at once (the periodic check of the store
/// stays as the safety net). It names nothing but the moment: whoever needs more reads the store.
/// </summary>
public sealed record PublishedContentChanged(DateTimeOffset At);
