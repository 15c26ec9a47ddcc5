using System.Globalization;
using System.Net.Mail;
using Clinic.Modules.Intake.Deadlines;

namespace Clinic.Modules.Intake.OnCall;

/// <summary>The schedule as the admin's form posts it: rows of text, a blank row is no row, times in clinic time.</summary>
internal sealed class OnCallForm
{
    public const int MaxNameLength = 100;
    public const int MaxReasonLength = 200;

    /// <summary>Blank rows offered for adding without script.</summary>
    public const int SpareRows = 2;

    public List<HandOverRow> Rotation { get; set; } = [];

    public List<OverrideRow> Overrides { get; set; } = [];

    public string? LeadName { get; set; }

    public string? LeadEmail { get; set; }

    public Guid Revision { get; set; }

    public static OnCallForm From(OnCallSchedule schedule, ClinicTime clinicTime) => new()
    {
        Rotation =
        [
            .. schedule.Rotation.OrderBy(h => ((int)h.Day + 6) % 7).ThenBy(h => h.At)
                .Select(h => new HandOverRow { Day = h.Day, At = h.At.ToString("HH:mm", CultureInfo.InvariantCulture), Name = h.Person.Name, Email = h.Person.Email }),
            .. Enumerable.Range(0, SpareRows).Select(_ => new HandOverRow()),
        ],
        Overrides =
        [
            .. schedule.Overrides.OrderBy(o => o.From)
                .Select(o => new OverrideRow { From = clinicTime.ToInput(o.From), Until = clinicTime.ToInput(o.Until), Name = o.Person.Name, Email = o.Person.Email, Reason = o.Reason }),
            .. Enumerable.Range(0, SpareRows).Select(_ => new OverrideRow()),
        ],
        LeadName = schedule.Lead?.Name,
        LeadEmail = schedule.Lead?.Email,
        Revision = schedule.Revision,
    };

    /// <summary>The schedule this form describes, or the problems keyed by field ("Form.Rotation[0].Email").</summary>
    public (OnCallSchedule? Schedule, Dictionary<string, string> Errors) ToSchedule(ClinicTime clinicTime)
    {
        var errors = new Dictionary<string, string>();
        var schedule = new OnCallSchedule();
        for (var i = 0; i < Rotation.Count; i++)
        {
            var row = Rotation[i];
            var key = $"Form.{nameof(Rotation)}[{i}]";
            if (row.Remove || row.IsBlank)
            {
                continue;
            }

            if (row.Day is null)
            {
                errors[$"{key}.Day"] = "Choose the day of the hand-over.";
            }

            if (!TimeOnly.TryParseExact(row.At?.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                errors[$"{key}.At"] = "Enter the time of the hand-over, such as 09:00.";
            }

            var person = Person(row.Name, row.Email, key, errors);
            if (row.Day is { } day && errors.Keys.All(k => !k.StartsWith(key + ".", StringComparison.Ordinal)))
            {
                if (schedule.Rotation.Exists(h => h.Day == day && h.At == at))
                {
                    errors[$"{key}.At"] = $"Another hand-over is already on {day} at {at:HH:mm}.";
                }
                else
                {
                    schedule.Rotation.Add(new OnCallHandOver(day, at, person!));
                }
            }
        }

        for (var i = 0; i < Overrides.Count; i++)
        {
            var row = Overrides[i];
            var key = $"Form.{nameof(Overrides)}[{i}]";
            if (row.Remove || row.IsBlank)
            {
                continue;
            }

            var from = clinicTime.ParseInput(row.From);
            var until = clinicTime.ParseInput(row.Until);
            if (from.Error is { } fromError)
            {
                errors[$"{key}.From"] = fromError;
            }

            if (until.Error is { } untilError)
            {
                errors[$"{key}.Until"] = untilError;
            }
            else if (from.Value is { } start && until.Value <= start)
            {
                errors[$"{key}.Until"] = "The end must be later than the start.";
            }

            var person = Person(row.Name, row.Email, key, errors);
            var reason = row.Reason?.Trim();
            if (string.IsNullOrEmpty(reason))
            {
                errors[$"{key}.Reason"] = "Say why, such as holiday cover or a swap.";
            }
            else if (reason.Length > MaxReasonLength)
            {
                errors[$"{key}.Reason"] = $"Keep the reason under {MaxReasonLength} characters.";
            }

            if (errors.Keys.All(k => !k.StartsWith(key + ".", StringComparison.Ordinal)))
            {
                schedule.Overrides.Add(new OnCallOverride(from.Value!.Value, until.Value!.Value, person!, reason!));
            }
        }

        if (!string.IsNullOrWhiteSpace(LeadName) || !string.IsNullOrWhiteSpace(LeadEmail))
        {
            schedule.Lead = Person(LeadName, LeadEmail, "Form.Lead", errors, suffix: "");
        }

        return errors.Count == 0 ? (schedule, errors) : (null, errors);
    }

    private static OnCallPerson? Person(string? name, string? email, string key, Dictionary<string, string> errors, string suffix = ".")
    {
        var trimmedName = name?.Trim() ?? "";
        var trimmedEmail = email?.Trim() ?? "";
        if (trimmedName.Length == 0)
        {
            errors[$"{key}{suffix}Name"] = "Enter the person's name.";
        }
        else if (trimmedName.Length > MaxNameLength)
        {
            errors[$"{key}{suffix}Name"] = $"Keep the name under {MaxNameLength} characters.";
        }

        if (!MailAddress.TryCreate(trimmedEmail, out var address) || address.Address != trimmedEmail)
        {
            errors[$"{key}{suffix}Email"] = "Enter the person's work e-mail address, such as sam@clinic.example.";
        }

        return new OnCallPerson(trimmedName, trimmedEmail);
    }
}

internal sealed class HandOverRow
{
    public DayOfWeek? Day { get; set; }

    public string? At { get; set; }

    public string? Name { get; set; }

    public string? Email { get; set; }

    public bool Remove { get; set; }

    public bool IsBlank => Day is null && string.IsNullOrWhiteSpace(At) && string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Email);
}

internal sealed class OverrideRow
{
    public string? From { get; set; }

    public string? Until { get; set; }

    public string? Name { get; set; }

    public string? Email { get; set; }

    public string? Reason { get; set; }

    public bool Remove { get; set; }

    public bool IsBlank =>
        string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(Until) && string.IsNullOrWhiteSpace(Name)
        && string.IsNullOrWhiteSpace(Email) && string.IsNullOrWhiteSpace(Reason);
}
