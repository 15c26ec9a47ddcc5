using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;

namespace Clinic.EndToEndTests;

/// <summary>The inbox at a clinic's scale: open requests first, pages with no silent cap, deadlines, lookup, the clinic's clock.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class InboxTests(ClinicFixture clinic)
{
    private static readonly TimeZoneInfo ClinicZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>A condition of this test's own, so other tests' requests never share its lists.</summary>
    private static string OwnCondition() => $"t-{Guid.NewGuid():N}"[..14];

    private sealed record Seed(DateTimeOffset SubmittedAt, object[] Later);

    /// <summary>Requests written as their events, as the site writes them (the forwarder alerts staff about them as usual).</summary>
    private async Task<IReadOnlyList<(string Reference, Guid Id)>> SeedAsync(string condition, params Seed[] seeds)
    {
        var made = new List<(string, Guid)>();
        await using var session = clinic.Store.LightweightSession();
        foreach (var seed in seeds)
        {
            var id = Guid.NewGuid();
            var reference = ReferenceNumber.New();
            var contact = new ContactRequest("Seeded", "Visitor", "seeded.visitor@example.com", "555-010-0000", "phone", condition, "evening", null, false);
            session.Events.StartStream(id, [new RequestSubmitted(id, reference, contact, "2026-01", "web", Guid.NewGuid().ToString("N"), seed.SubmittedAt), .. seed.Later]);
            made.Add((reference, id));
        }

        await ReadModelLock.EnterForWriteAsync(session, CancellationToken.None);
        await session.SaveChangesAsync();
        return made;
    }

    private static IReadOnlyList<string> ReferencesListed(string page) =>
        [.. ListedReference().Matches(page).Select(m => m.Groups[1].Value)];

    private static string? Link(string page, string rel) =>
        PagerLink().Matches(page).Where(m => m.Groups["rel"].Value == rel).Select(m => WebUtility.HtmlDecode(m.Groups["href"].Value)).FirstOrDefault();

    [Fact]
    public async Task The_inbox_shows_every_request_a_page_at_a_time_with_no_silent_cap()
    {
        var condition = OwnCondition();
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var seeded = await SeedAsync(condition, [.. Enumerable.Range(0, 52).Select(i => new Seed(start.AddMinutes(-i), []))]);
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        var first = await staff.GetStringAsync($"/staff?condition={condition}");
        Assert.Equal(seeded.Take(50).Select(s => s.Reference), ReferencesListed(first));
        Assert.Null(Link(first, "prev"));
        var next = Link(first, "next");
        Assert.NotNull(next);
        Assert.Contains($"condition={condition}", next, StringComparison.Ordinal);

        var second = await staff.GetStringAsync(next);
        Assert.Equal(seeded.Skip(50).Select(s => s.Reference), ReferencesListed(second));
        Assert.Null(Link(second, "next"));

        var back = await staff.GetStringAsync(Link(second, "prev"));
        Assert.Equal(seeded.Take(50).Select(s => s.Reference), ReferencesListed(back));

        // A hand-edited cursor is no cursor: the first page, not an error.
        Assert.Equal(seeded.Take(50).Select(s => s.Reference), ReferencesListed(await staff.GetStringAsync($"/staff?condition={condition}&after=not-a-cursor")));
    }

    [Fact]
    public async Task The_inbox_lists_open_requests_by_default_and_all_or_closed_ones_on_request()
    {
        var condition = OwnCondition();
        var now = DateTimeOffset.UtcNow;
        var seeded = await SeedAsync(condition,
            new Seed(now.AddMinutes(-3), []),
            new Seed(now.AddMinutes(-2), [new RequestClosed("sam.staff", now)]),
            new Seed(now.AddMinutes(-1), [new RequestDeclined("Out of area", "sam.staff", now)]));
        var (open, closed, declined) = (seeded[0].Reference, seeded[1].Reference, seeded[2].Reference);
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        Assert.Equal([open], ReferencesListed(await staff.GetStringAsync($"/staff?condition={condition}")));
        Assert.Equal([declined, closed, open], ReferencesListed(await staff.GetStringAsync($"/staff?condition={condition}&status=all")));
        Assert.Equal([closed], ReferencesListed(await staff.GetStringAsync($"/staff?condition={condition}&status=Closed")));

        var unknown = await staff.GetStringAsync($"/staff?condition={condition}&status=Lost");
        Assert.Contains("Choose a status from the list", unknown, StringComparison.Ordinal);
        Assert.Equal([open], ReferencesListed(unknown));
    }

    [Fact]
    public async Task Each_open_request_shows_its_deadline_and_the_overdue_filter_lists_only_the_overdue()
    {
        var condition = OwnCondition();
        var now = DateTimeOffset.UtcNow;
        var seeded = await SeedAsync(condition,
            new Seed(now.AddHours(-4), [new RequestMarkedUrgent("test", ["test"], now.AddHours(-4)), new ResponseDeadlinesSet(now.AddHours(-3), now.AddHours(-1), "urgent", now.AddHours(-4))]),
            new Seed(now.AddMinutes(-10), [new ResponseDeadlinesSet(now.AddHours(2).AddMinutes(30), now.AddHours(5), "routine", now.AddMinutes(-10))]),
            new Seed(now.AddHours(-5), [new ResponseDeadlinesSet(now.AddHours(-4), now.AddHours(-3), "routine", now.AddHours(-5)), new ContactAttempted("no-answer", "sam.staff", now.AddHours(-4.5))]));
        var (overdue, later, met) = (seeded[0], seeded[1], seeded[2]);
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        var all = WebUtility.HtmlDecode(await staff.GetStringAsync($"/staff?condition={condition}"));
        Assert.Matches($"(?s){overdue.Reference}.*?OVERDUE.*?acknowledgement <time[^>]*>overdue by 3 h", Row(all, overdue.Reference));
        Assert.Contains("class=\"urgent overdue\"", Row(all, overdue.Reference), StringComparison.Ordinal);
        Assert.Matches("acknowledgement <time[^>]*>due in 2 h (29|30) min", Row(all, later.Reference));
        Assert.DoesNotContain("OVERDUE", Row(all, later.Reference), StringComparison.Ordinal);
        Assert.Contains("<span>—</span>", Row(all, met.Reference), StringComparison.Ordinal);

        var overdueOnly = await staff.GetStringAsync($"/staff?condition={condition}&overdue=true");
        Assert.Equal([overdue.Reference], ReferencesListed(overdueOnly));
        Assert.Contains("checked=\"checked\"", overdueOnly, StringComparison.Ordinal);

        // The request page shows both deadlines, on the clinic's clock.
        var page = WebUtility.HtmlDecode(await staff.GetStringAsync($"/staff/requests/{overdue.Id}"));
        Assert.Contains($"Acknowledge by</dt>", page, StringComparison.Ordinal);
        Assert.Contains($">{Local(now.AddHours(-3)):yyyy-MM-dd HH:mm}</time> — overdue by 3 h", page, StringComparison.Ordinal);
        Assert.Contains($">{Local(now.AddHours(-1)):yyyy-MM-dd HH:mm}</time> — overdue by 1 h", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_by_reference_goes_straight_to_the_request_in_any_case_and_says_so_when_none_matches()
    {
        var (reference, id) = (await SeedAsync(OwnCondition(), new Seed(DateTimeOffset.UtcNow, [])))[0];
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        var found = await staff.GetAsync($"/staff?find={Uri.EscapeDataString($"  {reference.ToLowerInvariant()} ")}");
        Assert.Equal(HttpStatusCode.Redirect, found.StatusCode);
        Assert.Equal($"/staff/requests/{id}", found.Headers.Location?.OriginalString);

        var missing = await staff.GetAsync("/staff?find=kc-00000-00000");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("No request has the reference KC-00000-00000.", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var malformed = await staff.GetAsync("/staff?find=Dana%20Rivera");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("Type a reference such as KC-7F3KQ-9XDMA.", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_see_and_enter_times_on_the_clinics_clock()
    {
        var (reference, requestId) = await clinic.SubmitAndSettleAsync(Visitor.Form(condition: "ptsd"));
        var submitted = (await clinic.RequestAsync(reference)).SubmittedAt;
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        var page = await staff.GetStringAsync($"/staff/requests/{requestId}");
        Assert.Contains($">{Local(submitted):yyyy-MM-dd HH:mm}</time>", page, StringComparison.Ordinal);
        Assert.Contains("Call at (America/New_York time)", page, StringComparison.Ordinal);

        // 10:30 on the 4th of July in New York is 14:30 UTC (daylight saving time).
        var when = new DateTime(DateTime.UtcNow.Year + 1, 7, 4, 10, 30, 0);
        var scheduled = await ActAsync(staff, requestId, new() { ["Action"] = "schedule", ["When"] = when.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, scheduled.StatusCode);
        var call = Assert.Single((await clinic.EventsAsync(requestId)).OfType<CallScheduled>());
        Assert.Equal(new DateTimeOffset(when.Year, 7, 4, 14, 30, 0, TimeSpan.Zero), call.For);
        Assert.Contains($">{when:yyyy-MM-dd HH:mm}</time>", await staff.GetStringAsync($"/staff/requests/{requestId}"), StringComparison.Ordinal);

        // A time the clocks skip is refused, naming the zone.
        var skipped = await ActAsync(staff, requestId, new() { ["Action"] = "schedule", ["When"] = $"{DateTime.UtcNow.Year + 1}-03-{SecondSundayOfMarch(DateTime.UtcNow.Year + 1):00}T02:30" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, skipped.StatusCode);
        Assert.Contains("America/New_York", await skipped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_inbox_shows_submitted_times_on_the_clinics_clock()
    {
        var condition = OwnCondition();
        var at = new DateTimeOffset(2026, 1, 15, 3, 20, 0, TimeSpan.Zero);
        await SeedAsync(condition, new Seed(at, []));
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        var inbox = await staff.GetStringAsync($"/staff?condition={condition}");
        // 03:20 UTC is 22:20 the evening before in New York.
        Assert.Contains(">2026-01-14 22:20</time>", inbox, StringComparison.Ordinal);
        Assert.Contains("Times in the clinic's time zone (America/New_York)", WebUtility.HtmlDecode(inbox), StringComparison.Ordinal);
    }

    private static DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, ClinicZone).DateTime;

    private static int SecondSundayOfMarch(int year)
    {
        var first = new DateTime(year, 3, 1);
        return 1 + ((7 - (int)first.DayOfWeek) % 7) + 7;
    }

    private static string Row(string page, string reference)
    {
        var match = Regex.Match(page, $"<tr[^>]*>(?:(?!</tr>).)*{reference}(?:(?!</tr>).)*</tr>", RegexOptions.Singleline);
        Assert.True(match.Success, $"{reference} is not listed.");
        return match.Value;
    }

    private static async Task<HttpResponseMessage> ActAsync(HttpClient staff, Guid requestId, Dictionary<string, string> fields)
    {
        var page = await staff.GetStringAsync($"/staff/requests/{requestId}");
        var body = new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create("Form." + f.Key, f.Value)))
        {
            ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value,
            ["Form.Version"] = SeenVersion().Match(page).Groups[1].Value,
        };
        return await staff.PostAsync($"/staff/requests/{requestId}", new FormUrlEncodedContent(body));
    }

    [GeneratedRegex("<a href=\"/staff/requests/[0-9a-f-]{36}\">(KC-[0-9A-Z]{5}-[0-9A-Z]{5})</a>")]
    private static partial Regex ListedReference();

    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\" rel=\"(?<rel>prev|next)\">")]
    private static partial Regex PagerLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"Form.Version\" value=\"(\\d+)\"")]
    private static partial Regex SeenVersion();
}
