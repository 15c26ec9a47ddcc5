using System.Net;
using System.Text;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Operations;
using Clinic.Modules.Intake;
using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Privacy;
using Clinic.Modules.Intake.Triage;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.Delivery;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Clinic.EndToEndTests;

/// <summary>Retention, legal holds, erasure on request (four eyes), the erasure journal and subject-access exports.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ErasureTests(ClinicFixture clinic)
{
    private static string UniqueAddress(string name) => $"{name}.{Guid.NewGuid():N}"[..24] + "@example.com";

    private async Task<(string Reference, Guid RequestId)> SpamAsync(string email)
    {
        using var bot = clinic.CreateBrowser();
        var form = Visitor.Form(firstName: "Spammy", email: email);
        form["Fax"] = "http://cheap-pills.example";
        var reference = Visitor.ReferenceOf(await bot.PostFormAsync("/schedule", form));
        return (reference, (await clinic.RequestAsync(reference)).Id);
    }

    private Uri Broker => new(clinic.App.Services.GetRequiredService<IConfiguration>().GetConnectionString("RabbitMq")!);

    private async Task<PrivacyStatus> StatusAsync(Guid id)
    {
        await using var session = clinic.Store.QuerySession();
        return (await session.LoadAsync<PrivacyStatus>(id))!;
    }

    /// <summary>Posts one handler of a page the way its form does (with the page's antiforgery token).</summary>
    private static async Task<HttpResponseMessage> PostHandlerAsync(HttpClient browser, string page, string handler, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var form = await FormPage.OpenAsync(browser, page);
        var token = new KeyValuePair<string, string>("__RequestVerificationToken", form.Hidden["__RequestVerificationToken"]);
        return await browser.PostAsync($"{page}?handler={handler}", new FormUrlEncodedContent(fields.Append(token)));
    }

    private async Task<(int Exit, string Output)> AuditAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await AuditCommands.RunAsync(clinic.App.Services, args, output, error);
        return (exit, output + error.ToString());
    }

    private async Task AssertVerifiedAndSealedAsync()
    {
        await Eventually.TrueAsync(async () => (await AuditVerifier.VerifyAsync(clinic.Store, null, default)) is { Intact: true, Pending: 0 }, "every event to be sealed");
        var (exit, output) = await AuditAsync("verify", "--require-sealed");
        Assert.True(exit == 0, output);
    }

    /// <summary>
    /// Waits for the purges of these requests' erasures to end. Their later walks run seconds apart (the fixture's
    /// WalkAgainAfter); one still going when the next test of the collection reads or browses an _error queue would take
    /// that test's messages from under it.
    /// </summary>
    private Task PurgedAsync(int logged, IEnumerable<Guid> requestIds) => Eventually.TrueAsync(
        () => Task.FromResult(requestIds.All(id => clinic.Logs.Lines.Skip(logged).Any(l => l.Contains($"erasure of request {id}", StringComparison.Ordinal)))),
        "the error queues' purge to end",
        TimeSpan.FromSeconds(120));

    /// <summary>The erased request's details are unreadable: its data key is gone.</summary>
    private async Task AssertUnreadableAsync(Guid id) =>
        Assert.Null(await clinic.App.Services.GetRequiredService<IPersonalData>().ReadAsync(id, default));

    [Fact]
    public async Task Retention_with_a_fake_clock_erases_old_spam_but_not_a_request_under_legal_hold_and_the_history_still_verifies()
    {
        var (oldSpam, oldSpamId) = await SpamAsync(UniqueAddress("old"));
        var (heldSpam, heldSpamId) = await SpamAsync(UniqueAddress("held"));

        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var placed = await PostHandlerAsync(staff, "/staff/privacy/holds", "Place", [new("Reference", heldSpam), new("Reason", "Litigation hold, case 2026-17")]);
        Assert.Equal(HttpStatusCode.Redirect, placed.StatusCode);
        Assert.True((await StatusAsync(heldSpamId)).IsHeld);
        Assert.Contains("Litigation hold, case 2026-17", await staff.GetStringAsync("/staff/privacy/holds"), StringComparison.Ordinal);

        // 31 days on, past the default 30-day retention of suspected spam.
        var logged = clinic.Logs.Lines.Count;
        var later = new FixedClock(DateTimeOffset.UtcNow.AddDays(31));
        await using (var scope = clinic.App.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var erasure = new Erasure(clinic.Store as IIntakeStore ?? throw new InvalidOperationException(), services.GetRequiredService<IPersonalData>(),
                services.GetRequiredService<ErasureJournal>(), services.GetRequiredService<MassTransit.IBus>(), later, NullLogger<Erasure>.Instance);
            var sweep = new RetentionSweep((IIntakeStore)clinic.Store, erasure, services.GetRequiredService<IOptions<RetentionOptions>>(), later, NullLogger<RetentionSweep>.Instance);
            Assert.True(await sweep.RunAsync(default) >= 1);
            // A second run finds nothing more to do for these two.
            await sweep.RunAsync(default);
        }

        var erased = await StatusAsync(oldSpamId);
        Assert.True(erased.IsErased);
        Assert.Equal("policy:SuspectedSpam", erased.ErasedBecause);
        var events = await clinic.EventsAsync(oldSpamId);
        var fact = Assert.Single(events.OfType<PersonalDataErased>());
        Assert.Equal(RetentionSweep.Actor, fact.By);
        Assert.Null(fact.ApprovedBy);
        Assert.False((await StatusAsync(heldSpamId)).IsErased);
        Assert.Empty((await clinic.EventsAsync(heldSpamId)).OfType<PersonalDataErased>());
        await AssertUnreadableAsync(oldSpamId);

        var page = await staff.GetStringAsync($"/staff/requests/{oldSpamId}");
        Assert.Contains("id=\"visitor-erased\"", page, StringComparison.Ordinal);
        Assert.Contains($"erased on {fact.ErasedAt.UtcDateTime:yyyy-MM-dd} (policy:SuspectedSpam)", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Spammy", page, StringComparison.Ordinal);
        Assert.Contains("Spammy", await staff.GetStringAsync($"/staff/requests/{heldSpamId}"), StringComparison.Ordinal);
        Assert.Contains(oldSpamId.ToString(), await File.ReadAllTextAsync(clinic.ErasureJournalPath), StringComparison.Ordinal);

        await AssertVerifiedAndSealedAsync();
        // The sweep erased every earlier test's spam too, each erasure dated by the clock a month on.
        var aMonthOn = later.GetUtcNow().AddDays(-1);
        await using var query = clinic.Store.QuerySession();
        var swept = await query.Query<PrivacyStatus>().Where(s => s.ErasedAt > aMonthOn).Select(s => s.Id).ToListAsync();
        Assert.Contains(oldSpamId, swept);
        await PurgedAsync(logged, swept);
    }

    [Fact]
    public async Task Staff_place_a_legal_hold_but_only_an_admin_with_a_fresh_second_factor_lifts_it()
    {
        var (reference, id) = await SpamAsync(UniqueAddress("hold"));
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var placed = await PostHandlerAsync(staff, "/staff/privacy/holds", "Place", [new("Reference", reference), new("Reason", "Complaint under review")]);
        Assert.Equal(HttpStatusCode.Redirect, placed.StatusCode);
        Assert.True((await StatusAsync(id)).IsHeld);

        // Staff cannot lift it: neither through the holds page's form nor through the lifting page.
        var token = (await FormPage.OpenAsync(staff, "/staff/privacy/holds")).Hidden["__RequestVerificationToken"];
        var lift = new Dictionary<string, string> { ["Reference"] = reference, ["Reason"] = "Complaint closed", ["__RequestVerificationToken"] = token };
        var viaHolds = await staff.PostAsync("/staff/privacy/holds?handler=Lift", new FormUrlEncodedContent(lift));
        var viaLift = await staff.PostAsync("/staff/privacy/holds/lift", new FormUrlEncodedContent(lift));
        Assert.NotEqual(HttpStatusCode.OK, viaLift.StatusCode);
        Assert.DoesNotContain("done=lifted", viaHolds.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("done=lifted", viaLift.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        Assert.True((await StatusAsync(id)).IsHeld);
        Assert.DoesNotContain("/staff/privacy/holds/lift", await staff.GetStringAsync("/staff/privacy/holds"), StringComparison.Ordinal);

        // An admin, just signed in with the second factor, lifts it from the lifting page.
        using var ada = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        Assert.Contains($"/staff/privacy/holds/lift?reference={reference}", await ada.GetStringAsync("/staff/privacy/holds"), StringComparison.Ordinal);
        var liftPage = await FormPage.OpenAsync(ada, $"/staff/privacy/holds/lift?reference={reference}");
        var lifted = await ada.PostAsync("/staff/privacy/holds/lift", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Reference"] = reference,
            ["Reason"] = "Complaint closed",
            ["__RequestVerificationToken"] = liftPage.Hidden["__RequestVerificationToken"],
        }));
        Assert.Equal(HttpStatusCode.Redirect, lifted.StatusCode);
        Assert.False((await StatusAsync(id)).IsHeld);
        var fact = Assert.Single((await clinic.EventsAsync(id)).OfType<LegalHoldLifted>());
        Assert.Equal(ClinicFixture.AdminUserName, fact.By);
    }

    [Fact]
    public async Task An_acknowledgement_still_queued_when_its_request_is_erased_is_dropped_without_mail_fault_or_personal_data_in_the_log()
    {
        var email = UniqueAddress("late");
        var (_, id) = await SpamAsync(email);
        var loggedBeforeErasure = clinic.Logs.Lines.Count;
        await using (var scope = clinic.App.Services.CreateAsyncScope())
        {
            var erased = await scope.ServiceProvider.GetRequiredService<Erasure>().EraseAsync(id, Erasure.OnRequest, ClinicFixture.AdminUserName, ClinicFixture.SecondAdminUserName, default);
            Assert.Equal(ErasureOutcome.Erased, erased);
        }

        // Notifications has heard of the erasure: the acknowledgement, never sent, is withdrawn.
        await Eventually.TrueAsync(async () =>
        {
            await using var notifications = clinic.App.Services.GetRequiredService<INotificationsStore>().QuerySession();
            return (await notifications.LoadAsync<DeliveryRecord>($"{id:N}.acknowledgement"))?.WithdrawnAt is not null;
        }, "Notifications to withdraw the erased request's acknowledgement");

        // The acknowledgement that was in flight (say, retrying while the mail server was down) arrives now.
        var names = clinic.App.Services.GetRequiredService<Clinic.Host.Messaging.ReceiveEndpointNames>().All;
        var queue = names.Single(n => n.EndsWith("visitor-acknowledgement-requested", StringComparison.Ordinal));
        var logged = clinic.Logs.Lines.Count;
        await PutInQueueAsync(queue, Envelope(id, "Latecomer", email));
        await Eventually.TrueAsync(
            () => Task.FromResult(clinic.Logs.Lines.Skip(logged).Any(l => l.Contains($"request {id} not sent", StringComparison.Ordinal))),
            "the consumer to drop the acknowledgement");

        Assert.DoesNotContain(await clinic.Inbox.ReadAllAsync(), m => m.EnvelopeRecipients.Contains(email));
        Assert.DoesNotContain(clinic.Logs.Lines.Skip(logged), l => l.Contains("Latecomer", StringComparison.Ordinal) || l.Contains(email, StringComparison.OrdinalIgnoreCase));
        await PutInQueueAsync(queue + "_error"); // declared, should no fault have made it yet
        await PurgedAsync(loggedBeforeErasure, [id]);
        Assert.DoesNotContain(await QueueBodiesAsync(queue + "_error"), b => b.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Erasure_on_request_removes_the_copies_marks_pages_and_exports_and_verify_and_replay_still_pass()
    {
        var email = UniqueAddress("erin");
        var (reference, id) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Erinwyn", email: email, message: "Zanzibar evenings only"));
        var (keptReference, keptId) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Keepsake", email: UniqueAddress("keep")));

        // Copies an erasure must reach: a delivery-log row naming the visitor (as older versions wrote it) and a
        // visitor acknowledgement stuck in its _error queue, beside another request's.
        await using (var notifications = clinic.App.Services.GetRequiredService<INotificationsStore>().LightweightSession())
        {
            notifications.Store(new DeliveryRecord { Id = $"{id:N}.acknowledgement", RequestId = id, Channel = "email", Recipient = email, ClaimedAt = DateTimeOffset.UtcNow, DeliveredAt = DateTimeOffset.UtcNow, Attempts = 1 });
            await notifications.SaveChangesAsync();
        }

        var errorQueue = clinic.App.Services.GetRequiredService<Clinic.Host.Messaging.ReceiveEndpointNames>().All
            .Single(n => n.EndsWith("visitor-acknowledgement-requested", StringComparison.Ordinal)) + "_error";
        await PutInQueueAsync(errorQueue, Envelope(id, "Erinwyn", email), Envelope(keptId, "Keepsake", "keep@example.com"));

        using var ada = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        using var bo = await clinic.SignInAsync(ClinicFixture.SecondAdminUserName);
        var found = await PostHandlerAsync(ada, "/staff/privacy", "Find", [new("Email", email)]);
        Assert.Contains(reference, await found.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var asked = await PostHandlerAsync(ada, "/staff/privacy", "Request", [new("Email", email), new("Selected", id.ToString()), new("Reason", "Asked by letter of 2026-11-30")]);
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var erasureId = (await StatusAsync(id)).PendingErasureId!.Value;

        // Four eyes: the admin who asked cannot approve.
        var own = await PostHandlerAsync(ada, "/staff/privacy", "Approve", [new("erasure", erasureId.ToString())]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, own.StatusCode);
        Assert.Contains("another admin must approve", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await StatusAsync(id)).IsErased);

        var loggedBeforeApproval = clinic.Logs.Lines.Count;
        var approved = await PostHandlerAsync(bo, "/staff/privacy", "Approve", [new("erasure", erasureId.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var fact = Assert.Single((await clinic.EventsAsync(id)).OfType<PersonalDataErased>());
        Assert.Equal(("request", ClinicFixture.AdminUserName, ClinicFixture.SecondAdminUserName), (fact.Reason, fact.By, fact.ApprovedBy));
        await AssertUnreadableAsync(id);

        // The copies go: the delivery log's address, the _error queue's message (the other request's stays).
        await Eventually.TrueAsync(async () =>
        {
            await using var notifications = clinic.App.Services.GetRequiredService<INotificationsStore>().QuerySession();
            return (await notifications.LoadAsync<DeliveryRecord>($"{id:N}.acknowledgement"))!.Recipient == "visitor (erased)";
        }, "the delivery log to forget the visitor's address");
        // Read the queue only once the purge has walked it: reading takes every message off the queue until the
        // channel closes, so a purge walking it meanwhile would not see them (it failed so under a loaded CI run).
        await Eventually.TrueAsync(
            () => Task.FromResult(clinic.Logs.Lines.Skip(loggedBeforeApproval).Any(l => l.Contains($"erasure of request {id}", StringComparison.Ordinal))),
            "the error queues' purge to finish",
            TimeSpan.FromSeconds(60));
        // Earlier tests may have left failed acknowledgements of their own in the same queue: those stay too.
        await Eventually.TrueAsync(async () => await QueueBodiesAsync(errorQueue) is var bodies
            && bodies.Any(b => b.Contains("Keepsake", StringComparison.Ordinal))
            && !bodies.Any(b => b.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase) || b.Contains("Erinwyn", StringComparison.Ordinal)),
            "the _error queue to lose the erased request's message only",
            TimeSpan.FromSeconds(60));
        await DrainAsync(errorQueue);

        // Pages and exports mark the erased fields; the timeline keeps types, times and actors.
        var staffPage = await ada.GetStringAsync($"/staff/requests/{id}");
        Assert.Contains($"erased on {fact.ErasedAt.UtcDateTime:yyyy-MM-dd} (request)", staffPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Erinwyn", staffPage, StringComparison.Ordinal);
        Assert.Contains("PersonalDataErased", staffPage, StringComparison.Ordinal);
        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        var auditPage = await auditor.GetStringAsync($"/audit/requests/{reference}");
        Assert.Contains("id=\"history-erased\"", auditPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Erinwyn", auditPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Zanzibar", auditPage, StringComparison.Ordinal);
        Assert.Contains($"{ClinicFixture.AdminUserName}, approved by {ClinicFixture.SecondAdminUserName}", auditPage, StringComparison.Ordinal);
        var json = await auditor.GetStringAsync($"/api/audit/requests/{id}/events");
        Assert.DoesNotContain("Erinwyn", json, StringComparison.Ordinal);
        Assert.Contains("erased on", json, StringComparison.Ordinal);
        var (exit, export) = await AuditAsync("export", "--from", DateTimeOffset.UtcNow.AddHours(-1).ToString("O"), "--to", DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        Assert.True(exit == 0, export);
        Assert.DoesNotContain("Erinwyn", export, StringComparison.Ordinal);
        Assert.Contains("Keepsake", export, StringComparison.Ordinal);
        Assert.Contains("(request)", export, StringComparison.Ordinal);
        Assert.Contains("Keepsake", await ada.GetStringAsync($"/staff/requests/{keptId}"), StringComparison.Ordinal);

        await AssertVerifiedAndSealedAsync();
        var (replayed, replay) = await AuditAsync("replay");
        Assert.True(replayed == 0, replay);
        Assert.True((await StatusAsync(id)).IsErased);
        Assert.Contains("id=\"visitor-erased\"", await ada.GetStringAsync($"/staff/requests/{id}"), StringComparison.Ordinal);
        Assert.Equal(keptReference, (await StatusAsync(keptId)).Reference);
    }

    [Fact]
    public async Task An_erased_requests_message_that_a_reader_held_while_the_purge_walked_its_error_queue_is_dropped_once_returned()
    {
        var (_, id) = await SpamAsync(UniqueAddress("browsed"));
        var errorQueue = clinic.App.Services.GetRequiredService<Clinic.Host.Messaging.ReceiveEndpointNames>().All
            .Single(n => n.EndsWith("visitor-acknowledgement-requested", StringComparison.Ordinal)) + "_error";
        await PutInQueueAsync(errorQueue, Envelope(id, "Browsewyn", "browsewyn@example.com"));

        // An operator browsing the queue (the management UI gets messages and requeues them) holds this one meanwhile.
        var factory = new ConnectionFactory { Uri = Broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var browser = await connection.CreateChannelAsync();
        var held = await TakeAsync(browser, errorQueue, id);

        var logged = clinic.Logs.Lines.Count;
        await using (var scope = clinic.App.Services.CreateAsyncScope())
        {
            var erased = await scope.ServiceProvider.GetRequiredService<Erasure>().EraseAsync(id, Erasure.OnRequest, ClinicFixture.AdminUserName, ClinicFixture.SecondAdminUserName, default);
            Assert.Equal(ErasureOutcome.Erased, erased);
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(clinic.Logs.Lines.Skip(logged).Any(l => l.Contains("Error queues walked", StringComparison.Ordinal) && l.Contains(id.ToString(), StringComparison.Ordinal))),
            "the purge to walk the error queues while the message is held",
            TimeSpan.FromSeconds(60));
        await browser.BasicNackAsync(held, multiple: false, requeue: true);

        // Read the queue only once the purge says it is over: reading holds the messages too.
        await Eventually.TrueAsync(async () => clinic.Logs.Lines.Skip(logged).Any(l => l.Contains($"erasure of request {id}", StringComparison.Ordinal))
            && !(await QueueBodiesAsync(errorQueue)).Any(b => b.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase) || b.Contains("Browsewyn", StringComparison.Ordinal)),
            "the purge to drop the erased request's message the reader returned",
            TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task An_erasure_in_the_journal_is_re_applied_at_start_to_a_database_that_does_not_know_it()
    {
        // As after a restore to a point before the erasure: the journal has it, the database does not.
        var (_, id) = await SpamAsync(UniqueAddress("restored"));
        var journal = clinic.App.Services.GetRequiredService<ErasureJournal>();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await journal.AppendAsync(new ErasureJournalEntry(id, ErasureJournal.Erasing, "request", "ada.admin", "bo.admin", at), default);
        await journal.AppendAsync(new ErasureJournalEntry(id, ErasureJournal.Purged, "request", "ada.admin", "bo.admin", at), default);
        Assert.False((await StatusAsync(id)).IsErased);

        var logged = clinic.Logs.Lines.Count;
        var replay = new ErasureJournalReplay(clinic.App.Services, journal, NullLogger<ErasureJournalReplay>.Instance);
        await replay.StartAsync(default);
        await replay.Completed.WaitAsync(TimeSpan.FromSeconds(60));
        await replay.StopAsync(default);

        var fact = Assert.Single((await clinic.EventsAsync(id)).OfType<PersonalDataErased>());
        Assert.Equal(("request", "ada.admin", "bo.admin"), (fact.Reason, fact.By, fact.ApprovedBy));
        Assert.Equal(at.ToUnixTimeMilliseconds(), fact.ErasedAt.ToUnixTimeMilliseconds());

        // Idempotent: a second start changes nothing.
        var again = new ErasureJournalReplay(clinic.App.Services, journal, NullLogger<ErasureJournalReplay>.Instance);
        await again.StartAsync(default);
        await again.Completed.WaitAsync(TimeSpan.FromSeconds(60));
        await again.StopAsync(default);
        Assert.Single((await clinic.EventsAsync(id)).OfType<PersonalDataErased>());
        await AssertVerifiedAndSealedAsync();
        await PurgedAsync(logged, [id]);
    }

    [Fact]
    public async Task A_subject_access_export_holds_every_request_of_the_person_and_nothing_of_anyone_else()
    {
        var email = UniqueAddress("sasha");
        var (first, firstId) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Sashenka", email: email, message: "Mornings, please"));
        var (second, secondId) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Sashenka", email: email.ToUpperInvariant(), message: "Still waiting"));
        var (other, _) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Othniel", email: UniqueAddress("othniel"), message: "Not Sasha's words"));
        using (var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName))
        {
            // Staff's notes about the person are theirs too, though sealed under the request's key.
            var noted = await PersonalDataAtRestTests.ActAsync(staff, firstId, new() { ["Action"] = "note", ["Text"] = "Prefers a call after 5pm." });
            Assert.Equal(HttpStatusCode.Redirect, noted.StatusCode);
            var declined = await PersonalDataAtRestTests.ActAsync(staff, secondId, new() { ["Action"] = "decline", ["Reason"] = "Sashenka asked us to stop." });
            Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        }


        using var ada = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var json = await PostHandlerAsync(ada, "/staff/privacy", "Export", [new("Email", email), new("format", "json")]);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        var body = await json.Content.ReadAsStringAsync();
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var references = document.RootElement.GetProperty("requests").EnumerateArray().Select(r => r.GetProperty("reference").GetString()).ToList();
        Assert.Equal([first, second], references);
        Assert.Contains("Mornings, please", body, StringComparison.Ordinal);
        Assert.Contains("Still waiting", body, StringComparison.Ordinal);
        Assert.Contains("Prefers a call after 5pm.", body, StringComparison.Ordinal);
        Assert.Contains("Sashenka asked us to stop.", body, StringComparison.Ordinal);
        Assert.DoesNotContain(other, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Othniel", body, StringComparison.Ordinal);

        var html = await PostHandlerAsync(ada, "/staff/privacy", "Export", [new("Email", email), new("format", "html")]);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        var page = await html.Content.ReadAsStringAsync();
        Assert.Contains(first, page, StringComparison.Ordinal);
        Assert.Contains(second, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Othniel", page, StringComparison.Ordinal);

        // Recorded in the access log, one line per request shown.
        await using var session = clinic.Store.QuerySession();
        var access = await session.Query<PersonalDataAccess>().Where(a => a.Page == "subject-access export" && a.ViewedBy == ClinicFixture.AdminUserName).ToListAsync();
        Assert.Contains(access, a => a.RequestId == firstId);
        Assert.Contains(access, a => a.RequestId == secondId);
        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        Assert.Contains("subject-access export", await auditor.GetStringAsync("/audit/access"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_error_queue_purge_drops_only_the_erased_requests_messages_and_keeps_the_others_in_order()
    {
        var queue = $"{clinic.Schema.Replace('_', '-')}-purge-test_error";
        var (erased, kept) = (Guid.NewGuid(), Guid.NewGuid());
        await PutInQueueAsync(queue,
            Envelope(kept, "First", "first@example.com"),
            Envelope(erased, "Gone", "gone@example.com"),
            "not json at all",
            "{\"message\":{\"alert\":{\"requestId\":\"" + erased + "\"}}}",
            // The erasure itself, faulted in a module's consumer (a long database outage): an operator sends it again.
            ErasureEnvelope(erased),
            Envelope(kept, "Last", "last@example.com"));
        try
        {
            Assert.Equal(2, await ErrorQueuePurge.PurgeAsync(Broker, [queue, "no-such-queue_error"], erased, default));
            var left = await QueueBodiesAsync(queue);
            Assert.Equal(4, left.Count);
            Assert.Contains("First", left[0], StringComparison.Ordinal);
            Assert.Equal("not json at all", left[1]);
            Assert.Equal(ErasureEnvelope(erased), left[2]);
            Assert.Contains("Last", left[3], StringComparison.Ordinal);
            Assert.DoesNotContain(left, body => body.Contains(erased.ToString(), StringComparison.Ordinal) && !body.Contains(nameof(PersonalDataErasureRequested), StringComparison.Ordinal));

            // Running it again (a redelivered erasure message) drops nothing more.
            Assert.Equal(0, await ErrorQueuePurge.PurgeAsync(Broker, [queue], erased, default));
            Assert.Equal(4, (await QueueBodiesAsync(queue)).Count);
        }
        finally
        {
            var factory = new ConnectionFactory { Uri = Broker };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(queue);
        }
    }

    private static string ErasureEnvelope(Guid requestId) =>
        $$$"""{"messageId":"5a0b0000-aaaa-bbbb-cccc-000000000001","messageType":["urn:message:Clinic.Modules.Intake.Contracts:PersonalDataErasureRequested"],"message":{"requestId":"{{{requestId}}}","erasedAt":"2026-12-03T06:00:00+00:00"}}""";

    private static string Envelope(Guid requestId, string firstName, string email) =>
        $$$"""{"messageId":"{{{Guid.NewGuid()}}}","messageType":["urn:message:Clinic.Modules.Intake.Contracts:VisitorAcknowledgementRequested"],"message":{"requestId":"{{{requestId}}}","reference":"KC-AAAAA-AAAAA","firstName":"{{{firstName}}}","emailAddress":"{{{email}}}"}}""";

    private async Task PutInQueueAsync(string queue, params string[] bodies)
    {
        var factory = new ConnectionFactory { Uri = Broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        foreach (var body in bodies)
        {
            await channel.BasicPublishAsync("", queue, mandatory: false, new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" }, Encoding.UTF8.GetBytes(body));
        }
    }

    /// <summary>Takes the request's message off the queue unacknowledged (held until returned); the others go back at once.</summary>
    private static async Task<ulong> TakeAsync(IChannel channel, string queue, Guid requestId)
    {
        var others = new List<ulong>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
            {
                if (Encoding.UTF8.GetString(message.Body.Span).Contains(requestId.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    return message.DeliveryTag;
                }

                others.Add(message.DeliveryTag);
            }

            throw new InvalidOperationException($"No message about request {requestId} in {queue}.");
        }
        finally
        {
            foreach (var tag in others)
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true);
            }
        }
    }

    /// <summary>The queue's messages in order, left in the queue (read, then returned unacknowledged).</summary>
    private async Task<List<string>> QueueBodiesAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = Broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
        {
            bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
        }

        // Closing the channel returns every unacknowledged message to the queue, in its place.
        return bodies;
    }

    private async Task DrainAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = Broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueuePurgeAsync(queue);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
