using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Reliability;

/// <summary>
/// Erasures on a visitor's request, made the way the clinic makes them: two admin accounts created with the host's own
/// <c>users add</c>, signed in through the sign-in page, one asking at /staff/privacy and the other approving (four eyes).
/// After a restore, checks that each erasure still holds on the restored database: the data key gone, the erasure on
/// the history once, and the staff page showing the erased marker and none of the visitor's details.
/// </summary>
internal sealed partial class DrillErasures
{
    private const string Asker = "drill-admin-asks";
    private const string Approver = "drill-admin-approves";
    private readonly string _password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private readonly List<Erasure> _erasures = [];
    private StaffBrowser? _asking;
    private StaffBrowser? _approving;

    /// <summary>One erased request; <see cref="InRestore"/> says whether the restored database itself held the erasure.</summary>
    private sealed class Erasure(Submission submission, Guid requestId, string when)
    {
        public Submission Submission { get; } = submission;
        public Guid RequestId { get; } = requestId;
        public string When { get; } = when;
        public DateTimeOffset ErasedAt { get; set; }
        public bool? InRestore { get; set; }
        public string Email => IntakeLoad.Email(Submission.Number);
    }

    public int Count => _erasures.Count;

    public async Task CreateAdminsAsync(ClinicHost host)
    {
        foreach (var name in new[] { Asker, Approver })
        {
            var (exit, output) = await host.RunCommandAsync($"users add {name} --role Admin", _password);
            if (exit != 0)
            {
                throw new InvalidOperationException($"users add {name} failed ({exit}): {output}");
            }
        }
    }

    public async Task SignInAsync(ClinicHost host)
    {
        _asking?.Dispose();
        _approving?.Dispose();
        _asking = await StaffBrowser.SignInAsync(host, Asker, _password);
        _approving = await StaffBrowser.SignInAsync(host, Approver, _password);
    }

    /// <summary>The first admin finds the visitor by e-mail and asks for the erasure of this one request.</summary>
    public async Task<Guid> AskAsync(Submission submission)
    {
        var email = IntakeLoad.Email(submission.Number);
        using var found = await _asking!.PostFormAsync("/staff/privacy", "Find", [new("Email", email)]);
        var page = await found.Content.ReadAsStringAsync();
        var match = Regex.Match(page, $"name=\"Selected\" value=\"([0-9a-f-]{{36}})\" aria-label=\"Erase {Regex.Escape(submission.Reference!)}\"");
        if (!match.Success)
        {
            throw new InvalidOperationException($"/staff/privacy did not list {submission.Reference} for erasure ({(int)found.StatusCode}).");
        }

        var requestId = Guid.Parse(match.Groups[1].Value);
        using var asked = await _asking.PostFormAsync("/staff/privacy", "Request",
            [new("Email", email), new("Selected", requestId.ToString()), new("Reason", "Asked by the visitor in writing (reliability drill)")]);
        if (asked.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"asking for the erasure of {submission.Reference} answered {(int)asked.StatusCode}.");
        }

        return requestId;
    }

    /// <summary>The second admin approves the erasure waiting for this request; when this returns, it is made.</summary>
    public async Task ApproveAsync(Submission submission, Guid requestId, string when)
    {
        var page = await _approving!.GetStringAsync("/staff/privacy");
        var item = page.Split("<li>").FirstOrDefault(li => li.Contains(submission.Reference!, StringComparison.Ordinal));
        var erasure = item is null ? null : PendingErasure().Match(item) is { Success: true } m ? m.Groups[1].Value : null;
        if (erasure is null)
        {
            throw new InvalidOperationException($"the erasure of {submission.Reference} is not waiting for approval.");
        }

        using var approved = await _approving.PostFormAsync("/staff/privacy", "Approve", [new("erasure", erasure)]);
        if (approved.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"approving the erasure of {submission.Reference} answered {(int)approved.StatusCode}.");
        }

        _erasures.Add(new Erasure(submission, requestId, when) { ErasedAt = DateTimeOffset.UtcNow });
    }

    /// <summary>Before any host starts on the restored database: does it hold each erasure itself (made before the recovery point)?</summary>
    public async Task ClassifyAsync(PostgresCluster restored, string schema)
    {
        foreach (var erasure in _erasures)
        {
            var recorded = Convert.ToInt64(await restored.ScalarAsync(
                $"select count(*) from {schema}.mt_events where stream_id = '{erasure.RequestId}' and type = 'personal_data_erased'"), CultureInfo.InvariantCulture);
            erasure.InRestore = recorded > 0;
        }
    }

    /// <summary>Polls until every erasure holds on the restored database (or the deadline passes); returns the ones that do not, with why.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(DrillStage stage, ClinicHost restoredHost, TimeSpan deadline)
    {
        using var staff = await StaffBrowser.SignInAsync(restoredHost, Approver, _password);
        var giveUpAt = DateTime.UtcNow + deadline;
        while (true)
        {
            var problems = new List<string>();
            foreach (var erasure in _erasures)
            {
                var reference = erasure.Submission.Reference!;
                var keys = await stage.ScalarAsync($"select count(*) from {{schema}}_keys.mt_doc_requestdatakey where id = '{erasure.RequestId}'");
                var recorded = await stage.ScalarAsync($"select count(*) from {{schema}}.mt_events where stream_id = '{erasure.RequestId}' and type = 'personal_data_erased'");
                var page = await staff.GetStringAsync($"/staff/requests/{erasure.RequestId}");
                if (keys != 0)
                {
                    problems.Add($"{reference}: its data key is in the restored database (its details can be decrypted)");
                }

                if (recorded != 1)
                {
                    problems.Add($"{reference}: {recorded} PersonalDataErased event(s) on its history, not 1");
                }

                if (!page.Contains("id=\"visitor-erased\"", StringComparison.Ordinal) || page.Contains(erasure.Email, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{reference}: the staff page does not show it erased, or shows the visitor's e-mail");
                }
            }

            if (problems.Count == 0 || DateTime.UtcNow > giveUpAt)
            {
                return problems;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Where each erasure stood against the recovery point, for the drill's output.</summary>
    public IEnumerable<string> Describe(DateTimeOffset? lostAt) => _erasures.Select(e =>
        $"{e.When} erasure of {e.Submission.Reference} approved " +
        (lostAt is { } lost ? $"{Scenarios.Seconds(lost - e.ErasedAt)} before the loss" : "before the loss") + ": " +
        (e.InRestore switch
        {
            true => "inside the recovery point (the restored database held it; the journal re-applied it as a no-op)",
            false => "after the recovery point (lost with the WAL; re-applied from the erasure journal at the host's start)",
            null => "not classified",
        }));

    public int AfterRecoveryPoint => _erasures.Count(e => e.InRestore == false);

    [GeneratedRegex("name=\"erasure\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex PendingErasure();
}
