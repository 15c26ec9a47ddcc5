using System.ComponentModel.DataAnnotations;
using Clinic.Modules.Notifications.Routing;
using Clinic.Modules.Notifications.Webhooks;

namespace Clinic.Modules.Notifications;

internal sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>The public address of this site, for links in alerts.</summary>
    [Required]
    public Uri SiteBaseUrl { get; set; } = new("http://localhost:5080/");

    [Required]
    public SmtpOptions Smtp { get; set; } = new();

    public RoutingOptions Routing { get; set; } = new();

    /// <summary>Signed webhook endpoints by name, used as recipients of the "webhook" channel.</summary>
    public Dictionary<string, WebhookEndpoint> Webhooks { get; set; } = [];

    /// <summary>PostgreSQL schema of the delivery log.</summary>
    public string Schema { get; set; } = "notifications";

    /// <summary>Send visitors who ask for it an e-mail confirming their request (no health details).</summary>
    public bool SendVisitorAcknowledgements { get; set; } = true;

    /// <summary>How the clinic signs its e-mails to visitors.</summary>
    public string ClinicName { get; set; } = "The Ketamine Clinic team";

    /// <summary>
    /// The clinic's wall clock for times in staff e-mails (an IANA id). Unset, it is the one every other page uses,
    /// Intake:ResponsePolicy:TimeZone, so staff read the same time in an e-mail as on the request's page.
    /// </summary>
    public string TimeZone { get; set; } = "America/New_York";

    /// <summary>How the zone is named to people, such as "Eastern Time".</summary>
    public string TimeZoneName { get; set; } = "Eastern Time";
}

internal sealed class SmtpOptions
{
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions).</summary>
    public MailKit.Security.SecureSocketOptions Security { get; set; } = MailKit.Security.SecureSocketOptions.StartTlsWhenAvailable;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Required]
    public string From { get; set; } = "Clinic <no-reply@clinic.invalid>";

    /// <summary>How long one SMTP operation may take before the attempt counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}
