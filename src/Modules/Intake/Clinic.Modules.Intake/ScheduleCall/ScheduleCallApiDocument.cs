using System.Text.Json.Nodes;
using Clinic.Modules.Intake.ConditionOptions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>
/// The OpenAPI description of POST /api/intake/requests. The handler reads the body field by field (so a
/// wrong type is reported against its field), which leaves nothing for the generator to describe: the body's
/// schema is written here from the same lists and limits the validator uses.
/// </summary>
internal static class ScheduleCallApiDocument
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Summary = "Asks the clinic to call a visitor back";
        operation.Description = "The Schedule A Call form as JSON. Errors are RFC 7807 problem details keyed by field; nothing is stored unless the answer is 201 (or 200 for a retry).";

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Idempotency-Key",
            In = ParameterLocation.Header,
            Required = false,
            Description = $"A unique value per request of {ScheduleCallApi.MinIdempotencyKeyLength} to {ScheduleCallApi.MaxIdempotencyKeyLength} printable characters (a UUID, say); keys are scoped to the caller. A retry with the same key and body answers 200 with the first answer's reference, and Idempotent-Replayed: true; the same key with a different body answers 422.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = ScheduleCallApi.MinIdempotencyKeyLength, MaxLength = ScheduleCallApi.MaxIdempotencyKeyLength },
        });

        if (operation.RequestBody?.Content?.TryGetValue("application/json", out var json) == true)
        {
            json.Schema = Body();
        }

        if (operation.Responses?.TryGetValue("201", out var created) == true && created is OpenApiResponse createdResponse)
        {
            createdResponse.Description = "Stored; staff are alerted and will call the visitor.";
            createdResponse.Headers ??= new Dictionary<string, IOpenApiHeader>();
            createdResponse.Headers["Location"] = new OpenApiHeader
            {
                Description = "The request's address: GET it to confirm the clinic holds it.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
            };
        }

        if (operation.Responses?.TryGetValue("200", out var replayed) == true && replayed is OpenApiResponse replayedResponse)
        {
            replayedResponse.Description = "A retry with the same Idempotency-Key: the first answer again, nothing stored twice.";
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Body()
    {
        static OpenApiSchema Text(string description, int? maxLength = null, string? format = null) =>
            new() { Type = JsonSchemaType.String, Description = description, MaxLength = maxLength, Format = format };
        static OpenApiSchema OneOf(string description, IEnumerable<string> values) =>
            new() { Type = JsonSchemaType.String, Description = description, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))] };

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalPropertiesAllowed = false,
            Required = new HashSet<string> { "firstName", "lastName", "email", "phone", "preferredContact", "condition", "bestTimeToCall", "acceptTerms" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["firstName"] = Text("The visitor's first name.", ScheduleCallValidator.MaxNameLength),
                ["lastName"] = Text("The visitor's last name.", ScheduleCallValidator.MaxNameLength),
                ["email"] = Text("An e-mail address, like name@example.com.", ScheduleCallValidator.MaxEmailLength, "email"),
                ["phone"] = Text("A phone number to call: 7 to 15 digits; spaces, dashes, brackets and a leading + are fine."),
                ["preferredContact"] = OneOf("How the clinic should contact the visitor.", ScheduleCallForm.ContactMethods.Select(m => m.Value)),
                ["condition"] = Text($"A condition's slug from GET /api/content/conditions, or \"{ConditionChoices.OtherSlug}\" (other / not sure)."),
                ["bestTimeToCall"] = OneOf("When to call.", ScheduleCallForm.CallTimes.Select(t => t.Value)),
                ["message"] = Text("Anything the visitor wants the clinic to know, in plain words; optional.", ScheduleCallValidator.MaxMessageLength),
                ["acceptTerms"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Boolean,
                    Description = "The visitor accepts the terms and the privacy notice; must be true.",
                    Enum = [JsonValue.Create(true)],
                },
                ["sendAcknowledgement"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Boolean,
                    Description = "E-mail the visitor a confirmation (it carries no health details); optional, default false.",
                },
            },
        };
    }
}
