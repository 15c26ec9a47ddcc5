using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clinic.EndToEndTests;

/// <summary>
/// Visitors' details are stored only encrypted, under a data key per request: nothing a visitor typed is readable in
/// the database, destroying the key erases it without breaking the audit chain, a person's requests are found by a
/// keyed hash, and a master-key rotation keeps every request readable.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed partial class PersonalDataAtRestTests(ClinicFixture clinic)
{
    /// <summary>A visitor nobody else has: every value carries a random tag of letters, so a hit can only be theirs.</summary>
    private sealed record Person(string Tag, string FirstName, string LastName, string Email, string Phone, string Message)
    {
        public static Person New()
        {
            var tag = string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));
            var digits = string.Concat(Guid.NewGuid().ToByteArray()[..7].Select(b => (char)('0' + (b % 10))));
            return new(tag, $"Zephyrine{tag}", $"Quill{tag}", $"zq.{tag}@example.org", $"+1 555 {digits[..3]} {digits[3..]}", $"Cerulean {tag} marmalade, evenings please");
        }

        public string PhoneDigits => "+" + string.Concat(Phone.Where(char.IsAsciiDigit));

        public IEnumerable<string> Plaintext => [Tag, FirstName, LastName, Email, Phone, PhoneDigits[1..], Message];

        public Dictionary<string, string> Form(bool acknowledge = false)
        {
            var form = Visitor.Form(firstName: FirstName, message: Message, acknowledge: acknowledge, email: Email);
            form["Form.LastName"] = LastName;
            form["Form.Phone"] = Phone;
            return form;
        }
    }

    private IPersonalData PersonalData => clinic.App.Services.GetRequiredService<IPersonalData>();

    [Fact]
    public async Task No_visitor_plaintext_is_stored_in_any_table_the_site_writes()
    {
        var person = Person.New();

        // The form, with an acknowledgement e-mail to the visitor.
        var (formReference, formId) = await clinic.SubmitAndSettleAsync(person.Form(acknowledge: true));
        await clinic.MailAboutAsync(formReference, person.Email);

        // The JSON API.
        using var client = clinic.CreateBrowser();
        var response = await client.PostAsJsonAsync("/api/intake/requests", new Dictionary<string, object?>
        {
            ["firstName"] = person.FirstName,
            ["lastName"] = person.LastName,
            ["email"] = person.Email.ToUpperInvariant(),
            ["phone"] = person.Phone,
            ["preferredContact"] = "email",
            ["condition"] = "ocd",
            ["bestTimeToCall"] = "morning",
            ["message"] = person.Message,
            ["acceptTerms"] = true,
            ["sendAcknowledgement"] = true,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var apiReference = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
        var apiId = (await clinic.RequestAsync(apiReference)).Id;
        await Eventually.TrueAsync(async () => (await clinic.EventsAsync(apiId)).OfType<StaffAlerted>().Count() >= 3, $"the alerts about {apiReference}");

        // Suspected spam.
        var spamForm = person.Form();
        spamForm["Fax"] = "http://cheap-pills.example";
        using var bot = clinic.CreateBrowser();
        var spamId = (await clinic.RequestAsync(Visitor.ReferenceOf(await bot.PostFormAsync("/schedule", spamForm)))).Id;

        // A staff note quoting the visitor's phone number and name.
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var note = await ActAsync(staff, formId, new() { ["Action"] = "note", ["Text"] = $"Call {person.Phone} after 5pm, ask for {person.FirstName}." });
        Assert.Equal(HttpStatusCode.Redirect, note.StatusCode);

        // A decline reason quoting the visitor, as staff write them; a contact outcome is one of a fixed list, so a
        // quoted number is refused rather than stored.
        var declined = await ActAsync(staff, apiId, new() { ["Action"] = "decline", ["Reason"] = $"Declined: {person.FirstName} on {person.Phone} says she is pregnant." });
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        var contact = await ActAsync(staff, formId, new() { ["Action"] = "contact", ["Outcome"] = $"left voicemail on {person.Phone}" });
        Assert.NotEqual(HttpStatusCode.Redirect, contact.StatusCode);
        Assert.Contains($"Declined: {person.FirstName} on {person.Phone}", WebUtility.HtmlDecode(await staff.GetStringAsync($"/staff/requests/{apiId}")), StringComparison.Ordinal);

        // What the application reads back is what the visitor typed: only the database must not hold it.
        Assert.Equal(person.LastName, (await clinic.PersonalDataAsync(formId))!.LastName);
        Assert.Equal(person.Message, (await clinic.PersonalDataAsync(apiId))!.Message);
        Assert.Equal(person.Phone, (await clinic.PersonalDataAsync(spamId))!.Phone);
        Assert.Contains($"Call {person.Phone} after 5pm", WebUtility.HtmlDecode(await staff.GetStringAsync($"/staff/requests/{formId}")), StringComparison.Ordinal);

        var found = await SearchEveryTableAsync(person.Plaintext);
        Assert.True(found.Count == 0, "Visitor plaintext found in: " + string.Join("; ", found));

        // The search itself works: the references, which are stored in clear, are found.
        Assert.NotEmpty(await SearchEveryTableAsync([formReference, apiReference]));
    }

    [Fact]
    public async Task With_its_key_destroyed_a_request_reads_as_erased_everywhere_and_the_audit_chain_still_verifies()
    {
        var person = Person.New();
        var (reference, requestId) = await clinic.SubmitAndSettleAsync(person.Form());
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(staff, requestId, new() { ["Action"] = "note", ["Text"] = $"Spoke to {person.FirstName}." })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(staff, requestId, new() { ["Action"] = "decline", ["Reason"] = $"{person.FirstName} moved away." })).StatusCode);
        Assert.Contains($"{person.FirstName} moved away.", await staff.GetStringAsync($"/staff/requests/{requestId}"), StringComparison.Ordinal);
        Assert.Contains(person.FirstName, await staff.GetStringAsync($"/staff/requests/{requestId}"), StringComparison.Ordinal);

        await PersonalData.DestroyKeyAsync(requestId, CancellationToken.None);

        Assert.Null(await PersonalData.ReadAsync(requestId, CancellationToken.None));
        Assert.DoesNotContain(requestId, await PersonalData.FindRequestsAsync(person.Email, person.Phone, CancellationToken.None));
        var page = await staff.GetStringAsync($"/staff/requests/{requestId}");
        Assert.Contains("id=\"visitor-erased\"", page, StringComparison.Ordinal);
        Assert.Contains("(erased)", page, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Tag, page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(reference, page, StringComparison.Ordinal);

        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        var history = await auditor.GetStringAsync($"/audit/requests/{requestId}");
        Assert.Contains("&quot;request&quot;: &quot;erased&quot;", history, StringComparison.Ordinal);
        Assert.Contains("&quot;text&quot;: &quot;erased&quot;", history, StringComparison.Ordinal);
        Assert.Contains("&quot;reason&quot;: &quot;erased&quot;", history, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Tag, history, StringComparison.OrdinalIgnoreCase);
        var json = await auditor.GetStringAsync($"/api/audit/requests/{requestId}/events");
        Assert.Contains("\"request\":\"erased\"", json, StringComparison.Ordinal);

        // Seals hash the rows as stored, which erasure does not touch: verify passes once everything is sealed.
        await Eventually.TrueAsync(
            async () => await AuditCommands.RunAsync(clinic.App.Services, ["verify", "--require-sealed"], new StringWriter(), new StringWriter()) == 0,
            "audit verify --require-sealed to pass after the key was destroyed");
        var output = new StringWriter();
        Assert.Equal(0, await AuditCommands.RunAsync(clinic.App.Services, ["replay"], output, new StringWriter()));
    }

    [Fact]
    public async Task Staff_find_a_persons_requests_by_email_or_phone_however_typed_through_the_blind_index()
    {
        var person = Person.New();
        var other = Person.New();
        var (_, first) = await clinic.SubmitAndSettleAsync(person.Form());
        var retyped = person.Form();
        retyped["Form.Email"] = "  " + person.Email.ToUpperInvariant();
        retyped["Form.Phone"] = person.PhoneDigits;
        retyped["Form.Message"] = "A second request.";
        var (_, second) = await clinic.SubmitAndSettleAsync(retyped);
        await clinic.SubmitAndSettleAsync(other.Form());

        Assert.Equal([first, second], await PersonalData.FindRequestsAsync(person.Email, null, CancellationToken.None));
        Assert.Equal([first, second], await PersonalData.FindRequestsAsync(null, person.Phone.Replace(' ', '-'), CancellationToken.None));
        Assert.Empty(await PersonalData.FindRequestsAsync("nobody.at.all@example.org", null, CancellationToken.None));
    }

    [Fact]
    public async Task After_a_master_key_rotation_and_rewrap_requests_read_without_the_old_master_key()
    {
        var person = Person.New();
        var (_, requestId) = await clinic.SubmitAndSettleAsync(person.Form());
        var services = clinic.App.Services;
        var configured = services.GetRequiredService<IOptions<PrivacyOptions>>().Value;
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        PersonalDataVault Vault(string active, params (string Id, string Key)[] keys) => new(
            services,
            new MasterKeyRing(Options.Create(new PrivacyOptions
            {
                MasterKeys = keys.ToDictionary(k => k.Id, k => k.Key),
                ActiveMasterKey = active,
                BlindIndexKey = configured.BlindIndexKey,
            })),
            TimeProvider.System);

        try
        {
            // The new master key becomes active beside the old one; rewrap moves every data key under it.
            var rotating = Vault("next", (ClinicFixture.TestMasterKeyId, ClinicFixture.TestMasterKey), ("next", newKey));
            Assert.True(await rotating.RewrapAsync(null, CancellationToken.None) >= 1);
            var eventsBefore = await clinic.EventsAsync(requestId);

            // The old master key removed: data written before the rotation still reads, and is still found.
            var rotated = Vault("next", ("next", newKey));
            Assert.Equal(person.Message, (await rotated.ReadAsync(requestId, CancellationToken.None))!.Message);
            Assert.Contains(requestId, await rotated.FindRequestsAsync(person.Email, null, CancellationToken.None));
            Assert.Equal(0, await rotated.RewrapAsync(null, CancellationToken.None));
            Assert.Equal(eventsBefore.Count, (await clinic.EventsAsync(requestId)).Count);
        }
        finally
        {
            // Back under the fixture's key, which the site and the other tests use.
            await Vault(ClinicFixture.TestMasterKeyId, (ClinicFixture.TestMasterKeyId, ClinicFixture.TestMasterKey), ("next", newKey)).RewrapAsync(null, CancellationToken.None);
        }

        // The command line does the same with the site's own configuration: nothing is left to move.
        var output = new StringWriter();
        Assert.Equal(0, await PrivacyCommands.RunAsync(services, ["rewrap"], output, new StringWriter()));
        Assert.Contains($"Re-wrapped 0 data key(s) under master key '{ClinicFixture.TestMasterKeyId}'", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(person.Message, (await clinic.PersonalDataAsync(requestId))!.Message);
    }

    /// <summary>Every row of every table in this run's schemas (Intake's, its keys', Notifications', accounts', content's, timers'), as text.</summary>
    private async Task<List<string>> SearchEveryTableAsync(IEnumerable<string> needles)
    {
        var patterns = needles.Select(n => "%" + n.ToLowerInvariant() + "%").ToArray();
        await using var connection = new NpgsqlConnection(clinic.PostgresConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables " +
            "where table_type = 'BASE TABLE' and (table_schema = $1 or starts_with(table_schema, $1 || '_'))", connection))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = clinic.Schema });
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains(tables, t => t.EndsWith(".mt_events", StringComparison.Ordinal));
        Assert.Contains(tables, t => t.EndsWith("_notifications.mt_doc_deliveryrecord", StringComparison.Ordinal));
        Assert.Contains(tables, t => t.EndsWith("_keys.mt_doc_requestdatakey", StringComparison.Ordinal));
        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var search = new NpgsqlCommand($"select count(*) from {table} t where lower(t::text) like any($1)", connection);
            search.Parameters.Add(new NpgsqlParameter { Value = patterns });
            if ((long)(await search.ExecuteScalarAsync())! is var rows and > 0)
            {
                found.Add($"{table} ({rows} rows)");
            }
        }

        return found;
    }

    internal static async Task<HttpResponseMessage> ActAsync(HttpClient staff, Guid requestId, Dictionary<string, string> fields)
    {
        var page = await staff.GetStringAsync($"/staff/requests/{requestId}");
        var body = new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create("Form." + f.Key, f.Value)))
        {
            ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value,
            ["Form.Version"] = SeenVersion().Match(page).Groups[1].Value,
        };
        return await staff.PostAsync($"/staff/requests/{requestId}", new FormUrlEncodedContent(body));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"Form.Version\" value=\"(\\d+)\"")]
    private static partial Regex SeenVersion();
}
