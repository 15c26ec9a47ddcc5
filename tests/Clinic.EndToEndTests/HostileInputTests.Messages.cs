using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;

namespace Clinic.EndToEndTests;

/// <summary>
/// A visitor's message is never refused for its wording (clinical safety: "my heart is broken &lt;/3" must reach
/// a person). Markup, SQL, emoticons and formulas are stored once, exactly as typed, and shown back as text
/// wherever staff and auditors read them: nothing is executed, rendered as an element or run as a formula.
/// </summary>
public sealed partial class HostileInputTests
{
    public static TheoryData<string> CodeLikeMessages() =>
    [
        "my heart is broken </3",
        "<script>alert('pwned')</script>",
        "<b onmouseover=\"alert(1)\">bold</b> <img src=x onerror=alert(1)> <!-- note --> javascript:alert(1)",
        "'; DROP TABLE intake.mt_events; --",
        "x' OR '1'='1 and 1 OR 1=1; 1 UNION SELECT password FROM users",
        "Feeling 😢💔 today, but 🙂 sometimes",
        "a < b > c",
        "&amp; and &lt;script&gt; are what I typed",
        "=HYPERLINK(\"http://evil.example\",\"click\") +1 -1 @SUM(A1)",
    ];

    [Theory]
    [MemberData(nameof(CodeLikeMessages))]
    public async Task The_form_stores_a_code_like_message_once_as_typed_and_staff_and_auditors_see_it_as_text(string message)
    {
        var before = await clinic.CountStreamsAsync();

        var (_, requestId) = await clinic.SubmitAndSettleAsync(Visitor.Form(message: message));

        Assert.Equal(before + 1, await clinic.CountStreamsAsync());
        Assert.Single((await clinic.EventsAsync(requestId)).OfType<RequestSubmitted>());
        Assert.Equal(message, (await clinic.PersonalDataAsync(requestId))!.Message);

        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var shown = MessageCell().Match(await staff.GetStringAsync($"/staff/requests/{requestId}"));
        Assert.True(shown.Success, "The staff request page does not show the message.");
        Assert.DoesNotContain('<', shown.Groups[1].Value);
        Assert.Equal(message, WebUtility.HtmlDecode(shown.Groups[1].Value));

        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        var history = await auditor.GetStringAsync($"/audit/requests/{requestId}");
        var cells = HistoryDataCells().Matches(history).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(cells);
        Assert.All(cells, cell => Assert.DoesNotContain('<', cell));
        var data = JsonDocument.Parse(WebUtility.HtmlDecode(cells[0])).RootElement;
        Assert.Equal(message, data.GetProperty("request").GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_audit_history_shows_the_visitors_words_readably_not_as_json_escapes()
    {
        const string message = "my heart is broken </3 <script>alert('pwned')</script> & more";
        var (_, requestId) = await clinic.SubmitAndSettleAsync(Visitor.Form(message: message));

        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        var history = await auditor.GetStringAsync($"/audit/requests/{requestId}");

        var cell = WebUtility.HtmlDecode(HistoryDataCells().Match(history).Groups[1].Value);
        Assert.Contains(message, cell, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", history, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CodeLikeMessages))]
    public async Task The_api_stores_a_code_like_message_once_as_typed(string message)
    {
        using var client = clinic.CreateBrowser();
        var before = await clinic.CountStreamsAsync();

        var response = await client.PostAsJsonAsync("/api/intake/requests", new Dictionary<string, object?>
        {
            ["firstName"] = "Jordan",
            ["lastName"] = "Okafor",
            ["email"] = "jordan@example.com",
            ["phone"] = "555 010 3333",
            ["preferredContact"] = "email",
            ["condition"] = "ocd",
            ["bestTimeToCall"] = "morning",
            ["message"] = message,
            ["acceptTerms"] = true,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var reference = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
        Assert.Equal(before + 1, await clinic.CountStreamsAsync());
        var request = await clinic.RequestAsync(reference);
        Assert.Single((await clinic.EventsAsync(request.Id)).OfType<RequestSubmitted>());
        Assert.Equal(message, (await clinic.PersonalDataAsync(request.Id))!.Message);
    }

    [Fact]
    public async Task The_audit_export_carries_a_code_like_message_exactly_and_no_csv_cell_can_run_as_a_formula()
    {
        const string message = "=HYPERLINK(\"http://evil.example\",\"x\") <script>alert(1)</script> '; DROP TABLE t; -- 😢 &amp;";
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (_, requestId) = await clinic.SubmitAndSettleAsync(Visitor.Form(message: message));
        var end = DateTimeOffset.UtcNow.AddSeconds(1);
        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        string Range(string format) => $"/api/audit/export?from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(end.ToString("O"))}&format={format}";

        var ndjson = (await auditor.GetStringAsync(Range("ndjson"))).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("streamId").GetGuid() == requestId && e.GetProperty("type").GetString() == "intake_request_submitted");
        Assert.Equal(message, ndjson.GetProperty("data").GetProperty("request").GetProperty("message").GetString());

        var rows = (await auditor.GetStringAsync(Range("csv"))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => CsvCells(line.TrimEnd('\r'))).ToList();
        Assert.All(rows, row => Assert.All(row, cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@', $"A CSV cell starts like a formula: {cell}")));
        var submitted = rows.Single(row => row[1] == requestId.ToString() && row[4] == "intake_request_submitted");
        Assert.Equal(message, JsonDocument.Parse(submitted[8]).RootElement.GetProperty("request").GetProperty("message").GetString());
    }

    /// <summary>One RFC 4180 line (the export writes no line breaks inside a cell) as its unquoted cells.</summary>
    private static List<string> CsvCells(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                cell.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }

    [GeneratedRegex("<dd class=\"message\">(.*?)</dd>", RegexOptions.Singleline)]
    private static partial Regex MessageCell();

    [GeneratedRegex("<td><pre>(.*?)</pre></td>", RegexOptions.Singleline)]
    private static partial Regex HistoryDataCells();
}
