using System.ComponentModel.DataAnnotations;

namespace Clinic.Modules.Notifications;

internal sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>The public address of this site, for links in alerts.</summary>
    [Required]
    public Uri SiteBaseUrl { get; set; } = new("http://localhost:5080/");

    /// <summary>Staff e-mail addresses that receive every new-request alert.</summary>
    [MinLength(1, ErrorMessage = "Notifications:StaffRecipients must list at least one staff e-mail address.")]
    public List<string> StaffRecipients { get; set; } = [];

    [Required]
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Send visitors who ask for it an e-mail confirming their request (no health details).</summary>
    public bool SendVisitorAcknowledgements { get; set; } = true;

    /// <summary>How the clinic signs its e-mails to visitors.</summary>
    public string ClinicName { get; set; } = "The Ketamine Clinic team";
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
}
