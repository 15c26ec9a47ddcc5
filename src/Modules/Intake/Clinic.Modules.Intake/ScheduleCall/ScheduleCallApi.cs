using System.Text.Json;
using Clinic.Modules.Intake.ConditionOptions;
using Clinic.Modules.Intake.CrisisLanguage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>
/// POST /api/intake/requests: the same request as the form, as JSON, for integrations. Errors are
/// RFC 7807 problem details keyed by field; an Idempotency-Key header makes retries safe.
/// Following the IETF Idempotency-Key draft, a key belongs to its caller: two integrations that both send
/// "1" must not meet. The caller is the signed-in account when there is one; the API is open to anonymous
/// callers, and those are told apart by network (IPv4 address or IPv6 /64, the client key of the rate limiter).
/// A key must also be long enough to be unique (the draft recommends a UUID).
/// </summary>
internal static class ScheduleCallApi
{
    public const int MinIdempotencyKeyLength = 16;
    public const int MaxIdempotencyKeyLength = 200;

    public sealed record Accepted(string Reference, bool Urgent, string Status);

    public static void MapScheduleCallApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/intake/requests", HandleAsync)
            .WithTags("Intake")
            .WithName("SubmitIntakeRequest")
            .WithDescription(
                "Stores a request for a call. The message is stored as typed, whatever it looks like. When fields need attention "
                + "the 400 validation problem names them under 'errors'; if the message carries crisis language it also has a "
                + $"'{CrisisHelp.ProblemExtension}' member (message, resources[name, contact, href], moreAt) with the crisis lines "
                + "to show the person at once, since nothing was sent.")
            .RequireRateLimiting(IntakeRateLimiting.PolicyName)
            .Accepts<JsonElement>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(ScheduleCallApiDocument.DescribeAsync);
        app.MapIntakeRequestStatus();
    }

    private static async Task<Results<Created<Accepted>, Ok<Accepted>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest http, ConditionChoicesCache conditions, SubmitIntakeRequest submit, CrisisLanguageRules crisis, CancellationToken cancellationToken)
    {
        if (!http.HasJsonContentType())
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Send the request as JSON",
                detail: "Use Content-Type: application/json.");
        }

        var key = http.Headers["Idempotency-Key"].ToString();
        if (key.Length > 0 && key.Length < MinIdempotencyKeyLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["Idempotency-Key"] = [$"Use at least {MinIdempotencyKeyLength} characters (a UUID is best): a short key such as a counter soon repeats, and a repeated key returns the earlier request instead of saving this one."],
                },
                title: "The Idempotency-Key header is too short to be unique");
        }

        if (key.Length > MaxIdempotencyKeyLength || key.Any(char.IsControl))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["Idempotency-Key"] = [$"Use at most {MaxIdempotencyKeyLength} printable characters."] });
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Body, default, cancellationToken);
        }
        catch (JsonException)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The body is not valid JSON",
                detail: "Send one JSON object with the request's fields.");
        }

        using (document)
        {
            var (form, bindingErrors) = JsonFormBinder.Bind(document.RootElement);
            var choices = await conditions.GetOfferingAsync(form.Condition, cancellationToken);
            var errors = bindingErrors;
            foreach (var (field, messages) in ScheduleCallValidator.Validate(form, choices))
            {
                errors.TryAdd(JsonNamingPolicy.CamelCase.ConvertName(field), messages);
            }

            if (errors.Count > 0)
            {
                // Nothing is stored, so a person in crisis would hear nothing from us: their client shows these lines first.
                var extensions = crisis.Match(form.Message) is null
                    ? null
                    : new Dictionary<string, object?> { [CrisisHelp.ProblemExtension] = CrisisHelp.ForProblem() };
                return TypedResults.ValidationProblem(errors, title: "Some fields need attention", extensions: extensions);
            }

            var result = await submit.HandleAsync(
                new Submission(form, "api", key.Length == 0 ? null : $"{CallerOf(http.HttpContext)}\n{key}", HoneypotTripped: false),
                cancellationToken);
            var body = new Accepted(result.Reference, result.IsUrgent, "received");
            switch (result.Outcome)
            {
                case SubmissionOutcome.Replayed:
                    http.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                    return TypedResults.Ok(body);
                case SubmissionOutcome.KeyReusedForDifferentRequest:
                    return TypedResults.Problem(
                        statusCode: StatusCodes.Status422UnprocessableEntity,
                        title: "Idempotency-Key already used",
                        detail: "This Idempotency-Key was used for a different request. Use a new key for a new request.");
                default:
                    return TypedResults.Created(IntakeRequestStatus.PathOf(result.Reference), body);
            }
        }
    }

    /// <summary>Whose key it is (no line breaks, and keys hold no control characters, so the scoped key is unambiguous).</summary>
    private static string CallerOf(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { } account }
            ? $"account:{account}"
            : $"network:{ClientNetwork.KeyOf(http.Connection.RemoteIpAddress)}";
}

/// <summary>Reads the JSON body field by field, so a wrong type is reported against its field.</summary>
internal static class JsonFormBinder
{
    private static readonly string[] StringFields =
        ["firstName", "lastName", "email", "phone", "preferredContact", "condition", "bestTimeToCall", "message"];

    private static readonly string[] BooleanFields = ["acceptTerms", "sendAcknowledgement"];

    public static (ScheduleCallForm Form, Dictionary<string, string[]> Errors) Bind(JsonElement root)
    {
        var form = new ScheduleCallForm();
        var errors = new Dictionary<string, string[]>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors[""] = ["The body must be a JSON object."];
            return (form, errors);
        }

        foreach (var property in root.EnumerateObject())
        {
            if (StringFields.Contains(property.Name))
            {
                if (property.Value.ValueKind is JsonValueKind.String)
                {
                    SetString(form, property.Name, property.Value.GetString());
                }
                else if (property.Value.ValueKind is not JsonValueKind.Null)
                {
                    errors[property.Name] = ["Must be a string."];
                }
            }
            else if (BooleanFields.Contains(property.Name))
            {
                if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    SetBoolean(form, property.Name, property.Value.GetBoolean());
                }
                else
                {
                    errors[property.Name] = ["Must be true or false."];
                }
            }
            else
            {
                errors[property.Name] = ["Unknown field."];
            }
        }

        return (form, errors);
    }

    private static void SetString(ScheduleCallForm form, string name, string? value)
    {
        switch (name)
        {
            case "firstName": form.FirstName = value; break;
            case "lastName": form.LastName = value; break;
            case "email": form.Email = value; break;
            case "phone": form.Phone = value; break;
            case "preferredContact": form.PreferredContact = value; break;
            case "condition": form.Condition = value; break;
            case "bestTimeToCall": form.BestTimeToCall = value; break;
            case "message": form.Message = value; break;
        }
    }

    private static void SetBoolean(ScheduleCallForm form, string name, bool value)
    {
        if (name == "acceptTerms")
        {
            form.AcceptTerms = value;
        }
        else
        {
            form.SendAcknowledgement = value;
        }
    }
}
