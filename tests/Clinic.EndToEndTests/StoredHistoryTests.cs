using System.Net;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Npgsql;

namespace Clinic.EndToEndTests;

/// <summary>History stored before the domain events were renamed still loads, projects and shows.</summary>
[Collection(ClinicCollection.Name)]
public sealed class StoredHistoryTests(ClinicFixture clinic)
{
    [Fact]
    public async Task Events_stored_under_the_old_type_names_still_load_and_migrate_builds_their_read_models()
    {
        var requestId = Guid.NewGuid();
        const string reference = "KC-0LD0N-AMES1";
        // Two rows exactly as the code before the rename wrote them: the same aliases, the old .NET type names.
        await using (var connection = new NpgsqlConnection(clinic.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using (var stream = new NpgsqlCommand($"insert into {clinic.Schema}.mt_streams (id, version, timestamp, created) values ($1, 2, now(), now())", connection))
            {
                stream.Parameters.Add(new() { Value = requestId });
                await stream.ExecuteNonQueryAsync();
            }

            await using var insert = new NpgsqlCommand($$"""
                insert into {{clinic.Schema}}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
                values
                  (nextval('{{clinic.Schema}}.mt_events_sequence'), gen_random_uuid(), $1, 1, $2::jsonb, 'intake_request_submitted', now(), '*DEFAULT*',
                   'Clinic.Modules.Intake.Domain.IntakeRequestSubmitted, Clinic.Modules.Intake'),
                  (nextval('{{clinic.Schema}}.mt_events_sequence'), gen_random_uuid(), $1, 2, $3::jsonb, 'staff_notified', now(), '*DEFAULT*',
                   'Clinic.Modules.Intake.Domain.StaffNotified, Clinic.Modules.Intake');
                """, connection)
            {
                Parameters =
                {
                    new() { Value = requestId },
                    new() { Value = $$"""
                        {"RequestId": "{{requestId}}", "Reference": "{{reference}}", "Request": {"FirstName": "Olga", "LastName": "Oldname",
                         "Email": "olga@example.com", "Phone": "555-010-3333", "PreferredContact": "phone", "ConditionSlug": "ptsd",
                         "BestTimeToCall": "morning", "Message": null, "WantsAcknowledgement": false}, "TermsVersion": "2026-11-draft",
                         "Channel": "form", "Fingerprint": "00", "SubmittedAt": "2026-11-20T10:00:00+00:00"}
                        """ },
                    new() { Value = """{"Channel": "email", "Recipient": "intake-team@clinic.test", "NotifiedAt": "2026-11-20T10:00:01+00:00"}""" },
                },
            };
            await insert.ExecuteNonQueryAsync();
        }

        // As after an upgrade: history without read models. `migrate` builds them from the events.
        var output = new StringWriter();
        await AuditCommands.FillReadModelsAsync(clinic.App.Services, output);
        Assert.Contains("Built the read models", output.ToString(), StringComparison.Ordinal);

        await using (var session = clinic.Store.QuerySession())
        {
            var events = await session.Events.FetchStreamAsync(requestId);
            Assert.Equal("Olga", Assert.IsType<RequestSubmitted>(events[0].Data).Request!.FirstName);
            // Written before encryption at rest: still read, in plain text, through the one way into personal data.
            Assert.Equal("olga@example.com", (await clinic.PersonalDataAsync(requestId))!.Email);
            Assert.Equal("intake-team@clinic.test", Assert.IsType<StaffAlerted>(events[1].Data).Recipient);
            var view = (await session.LoadAsync<RequestView>(requestId))!;
            // The forwarder alerts staff about the inserted request too, so more deliveries may follow this one.
            Assert.Equal(reference, view.Reference);
            Assert.Contains(view.Deliveries, d => d.At == new DateTimeOffset(2026, 11, 20, 10, 0, 1, TimeSpan.Zero));
        }

        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var page = await sam.GetAsync($"/staff/requests/{requestId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("Olga Oldname", html, StringComparison.Ordinal);
        Assert.Contains("Sent by email to intake-team@clinic.test", html, StringComparison.Ordinal);
    }
}
