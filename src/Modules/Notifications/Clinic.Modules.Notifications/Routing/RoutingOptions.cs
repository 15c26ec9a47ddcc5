namespace Clinic.Modules.Notifications.Routing;

/// <summary>
/// Who hears about what, from configuration (Notifications:Routing). Suspected spam reaches
/// Notifications only when it is also urgent, and then follows the urgent routes, flagged.
/// </summary>
internal sealed class RoutingOptions
{
    public List<Route> Routine { get; set; } = [];

    public List<Route> Urgent { get; set; } = [];

    /// <summary>
    /// Extra routes for escalations, besides an e-mail to each person the step names. Empty (the default): the
    /// urgent routes' webhooks and live feed, so an escalation reaches every channel the urgent alert did.
    /// </summary>
    public List<Route> Escalation { get; set; } = [];

    public IEnumerable<(string Channel, string Recipient)> ForEscalation(IEnumerable<string> people) =>
        people.Select(person => (Channel: "email", Recipient: person))
            .Concat((Escalation.Count > 0 ? Escalation : Urgent.Where(route => route.Channel != "email"))
                .SelectMany(route => route.Recipients.Select(recipient => (route.Channel, recipient))))
            .Distinct();

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
