using System.Net.Mail;
using Clinic.Modules.Notifications.NotifyStaff;
using Clinic.Modules.Notifications.Webhooks;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications;

/// <summary>Refuses to start with routes that could never deliver: unknown channels, bad addresses, unknown webhooks, unusable signing secrets.</summary>
internal sealed class NotificationsOptionsValidator : IValidateOptions<NotificationsOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationsOptions options)
    {
        var known = ChannelNames.All.ToHashSet();
        var errors = new List<string>();
        // Escalation may be empty: escalations then follow the urgent routes' webhooks and feed.
        foreach (var (kind, routes) in new[] { ("Routine", options.Routing.Routine), ("Urgent", options.Routing.Urgent), ("Escalation", options.Routing.Escalation) })
        {
            if (routes.Count == 0 && kind != "Escalation")
            {
                errors.Add($"Notifications:Routing:{kind} has no routes: staff would never hear about {kind.ToLowerInvariant()} requests.");
            }

            for (var i = 0; i < routes.Count; i++)
            {
                var route = routes[i];
                var at = $"Notifications:Routing:{kind}:{i}";
                if (!known.Contains(route.Channel))
                {
                    errors.Add($"{at}:Channel '{route.Channel}' is not one of {string.Join(", ", known.Order())}.");
                }

                if (route.Recipients.Count == 0)
                {
                    errors.Add($"{at}:Recipients is empty.");
                }

                foreach (var recipient in route.Recipients)
                {
                    if (route.Channel == ChannelNames.Email && !MailAddress.TryCreate(recipient, out _))
                    {
                        errors.Add($"{at}:Recipients has '{recipient}', which is not an e-mail address.");
                    }

                    if (route.Channel == ChannelNames.Webhook && !options.Webhooks.ContainsKey(recipient))
                    {
                        errors.Add($"{at}:Recipients names webhook '{recipient}', which Notifications:Webhooks does not define.");
                    }
                }
            }
        }

        foreach (var (webhook, endpoint) in options.Webhooks)
        {
            if (endpoint.Url is null || endpoint.Url.Scheme is not ("https" or "http"))
            {
                errors.Add($"Notifications:Webhooks:{webhook}:Url must be an http(s) URL.");
            }

            var secrets = endpoint.PreviousSecrets.Select((secret, i) => (Key: $"PreviousSecrets:{i}", Secret: secret)).Prepend(("Secret", endpoint.Secret));
            foreach (var (key, secret) in secrets)
            {
                if (WebhookSignature.Problem(secret) is { } problem)
                {
                    errors.Add($"Notifications:Webhooks:{webhook}:{key} {problem}");
                }
            }
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _))
        {
            errors.Add($"Notifications:TimeZone '{options.TimeZone}' is not an IANA time zone id (such as America/New_York).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
