namespace Clinic.Modules.Notifications.Routing;

/// <summary>
/// Who hears about what, from configuration (Notifications:Routing). Suspected spam reaches
/// Notifications only when it is also urgent, and then follows the urgent routes, flagged.
/// </summary>
internal sealed class RoutingOptions
{
    public List<Route> Routine { get; set; } = [];

    public List<Route> Urgent { get; set; } = [];

    public IEnumerable<(string Channel, string Recipient)> For(bool urgent) =>
        (urgent ? Urgent : Routine)
            .SelectMany(route => route.Recipients.Select(recipient => (route.Channel, recipient)))
            .Distinct();
}

internal sealed class Route
{
    public string Channel { get; set; } = "";

    /// <summary>E-mail addresses, webhook endpoint names, or "staff-inbox" for the live feed.</summary>
    public List<string> Recipients { get; set; } = [];
}
