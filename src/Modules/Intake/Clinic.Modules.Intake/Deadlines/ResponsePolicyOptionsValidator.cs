using System.Net.Mail;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Clinic.Modules.Intake.Deadlines;

/// <summary>
/// Refuses to start with a response policy that could not keep its promises: an unknown time zone, no
/// business hours, unreadable holidays, deadlines of no time, escalation chains that alert nobody or step backwards.
/// </summary>
internal sealed class ResponsePolicyOptionsValidator : IValidateOptions<ResponsePolicyOptions>
{
    private const string At = ResponsePolicyOptions.Section;

    public ValidateOptionsResult Validate(string? name, ResponsePolicyOptions options)
    {
        var errors = new List<string>();
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(options.TimeZone ?? "") is null)
        {
            errors.Add($"{At}:TimeZone '{options.TimeZone}' is not an IANA time zone id (such as America/New_York or America/Chicago).");
        }

        if (string.IsNullOrWhiteSpace(options.TimeZoneName))
        {
            errors.Add($"{At}:TimeZoneName is empty: visitors are told times in it (such as \"Eastern Time\").");
        }

        var hours = options.BusinessHours;
        if (hours.Closes <= hours.Opens)
        {
            errors.Add($"{At}:BusinessHours:Closes ({hours.Closes:HH:mm}) must be later than Opens ({hours.Opens:HH:mm}).");
        }

        if (hours.Days.Count == 0)
        {
            errors.Add($"{At}:BusinessHours:Days is empty: business-hours deadlines would never fall due.");
        }

        for (var i = 0; i < options.Holidays.Count; i++)
        {
            if (!ResponsePolicy.HolidayPattern.Parse(options.Holidays[i]?.Trim() ?? "").Success)
            {
                errors.Add($"{At}:Holidays:{i} '{options.Holidays[i]}' is not a date written yyyy-MM-dd.");
            }
        }

        Check("Urgent", options.Urgent, errors);
        Check("Routine", options.Routine, errors);

        if (options.Fallback.Count == 0)
        {
            errors.Add($"{At}:Fallback is empty: an escalation when the on-call schedule names nobody would alert no one.");
        }

        for (var i = 0; i < options.Fallback.Count; i++)
        {
            if (!IsAddress(options.Fallback[i]))
            {
                errors.Add($"{At}:Fallback:{i} '{options.Fallback[i]}' is not an e-mail address.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(string urgency, UrgencyPolicy policy, List<string> errors)
    {
        foreach (var (deadline, rule) in new[] { ("Acknowledge", policy.Acknowledge), ("FirstContact", policy.FirstContact) })
        {
            if (rule.Within <= TimeSpan.Zero)
            {
                errors.Add($"{At}:{urgency}:{deadline}:Within must be more than zero (such as 00:15:00 for 15 minutes).");
            }

            if (!Enum.IsDefined(rule.Clock))
            {
                errors.Add($"{At}:{urgency}:{deadline}:Clock must be Always or BusinessHours.");
            }
        }

        var chain = policy.Escalation;
        if (chain.Count == 0)
        {
            errors.Add($"{At}:{urgency}:Escalation is empty: nobody would be told when one of its deadlines passes.");
        }

        for (var i = 0; i < chain.Count; i++)
        {
            var key = $"{At}:{urgency}:Escalation:{i}";
            if (chain[i].After < TimeSpan.Zero)
            {
                errors.Add($"{key}:After must not be negative (00:00:00 fires at the deadline itself).");
            }
            else if (i > 0 && chain[i].After <= chain[i - 1].After)
            {
                errors.Add($"{key}:After must be later than step {i}'s ({chain[i - 1].After}).");
            }

            if (chain[i].Notify.Count == 0)
            {
                errors.Add($"{key}:Notify is empty: this step would alert nobody.");
            }

            foreach (var target in chain[i].Notify)
            {
                if (!EscalationTargets.All.Contains(target) && !IsAddress(target))
                {
                    errors.Add($"{key}:Notify has '{target}', which is neither {string.Join(", ", EscalationTargets.All)} nor an e-mail address.");
                }
            }
        }
    }

    private static bool IsAddress(string? value) =>
        !string.IsNullOrWhiteSpace(value) && MailAddress.TryCreate(value, out var address) && address.Address == value.Trim();
}
