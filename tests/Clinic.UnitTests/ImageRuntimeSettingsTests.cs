using Clinic.Drills.Infrastructure;

namespace Clinic.UnitTests;

/// <summary>
/// deploy/Dockerfile's ENV DOTNET_ and MALLOC_ settings, read as Docker reads them: the drills, the bench and ./clinic run start
/// the host with what this parser reads, so anything it read differently from Docker would test another host.
/// </summary>
public sealed class ImageRuntimeSettingsTests
{
    private static Dictionary<string, string> Parse(params string[] lines) => new(ImageRuntimeSettings.Parse(lines));

    [Theory]
    [InlineData("ENV\tDOTNET_A=1")]
    [InlineData("ENV DOTNET_A=1\t")]
    [InlineData("  env  DOTNET_A=1 ")]
    [InlineData("ENV DOTNET_A=\"1\"")]
    [InlineData("ENV DOTNET_A='1'")]
    [InlineData("ENV DOTNET_A 1")]
    [InlineData("ENV DOTNET_A=\\1")]
    public void A_setting_is_read_whatever_its_spacing_case_quoting_or_form(string line)
    {
        Assert.Equal(new Dictionary<string, string> { ["DOTNET_A"] = "1" }, Parse(line));
    }

    [Fact]
    public void One_instruction_may_set_several_variables_of_which_only_the_runtime_settings_are_kept()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["DOTNET_A"] = "1", ["DOTNET_B"] = "2" },
            Parse("ENV DOTNET_A=1 ASPNETCORE_HTTP_PORTS=8080\tDOTNET_B=2"));
    }

    [Fact]
    public void Quotes_and_escapes_keep_spaces_in_a_value_and_are_removed_from_it()
    {
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["DOTNET_A"] = "two words",
                ["DOTNET_B"] = "two words",
                ["DOTNET_C"] = "it's \"quoted\"",
                ["DOTNET_D"] = "two  words",
                ["DOTNET_E"] = @"back\slash",
            },
            Parse(
                "ENV DOTNET_A=\"two words\" DOTNET_B=two\\ words DOTNET_C=\"it's \\\"quoted\\\"\"",
                "ENV DOTNET_D two  words",
                @"ENV DOTNET_E='back\slash'"));
    }

    [Fact]
    public void An_empty_value_sets_the_variable_to_empty()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["DOTNET_A"] = "", ["DOTNET_B"] = "", ["DOTNET_C"] = "" },
            Parse("ENV DOTNET_A=", "ENV DOTNET_B=\"\"", "ENV DOTNET_C='' "));
    }

    [Fact]
    public void Comment_lines_set_nothing_even_inside_a_continued_instruction()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["DOTNET_A"] = "1", ["DOTNET_B"] = "2" },
            Parse(
                "# ENV DOTNET_X=1",
                "   # ENV DOTNET_Y=1",
                "ENV DOTNET_A=1 \\",
                "    # ENV DOTNET_Z=1",
                "",
                "    DOTNET_B=2"));
    }

    [Fact]
    public void A_later_instruction_overrides_an_earlier_one()
    {
        Assert.Equal(new Dictionary<string, string> { ["DOTNET_A"] = "2" }, Parse("ENV DOTNET_A=1", "ENV DOTNET_A=2"));
    }

    [Fact]
    public void Only_the_final_stage_and_the_stages_it_is_built_from_set_the_images_environment()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["DOTNET_A"] = "1", ["DOTNET_C"] = "3" },
            Parse(
                "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build",
                "ENV DOTNET_CLI_TELEMETRY_OPTOUT=1",
                "FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime",
                "ENV DOTNET_A=1",
                "FROM runtime",
                "ENV DOTNET_C=3"));
    }

    [Theory]
    [InlineData("ENV DOTNET_A=$OTHER")]
    [InlineData("ENV DOTNET_A=\"${OTHER}\"")]
    [InlineData("ENV DOTNET_A=\"unterminated")]
    [InlineData("ENV DOTNET_A='unterminated")]
    [InlineData("ENV DOTNET_A=1 # a comment after the value")]
    [InlineData("ENV DOTNET_A")]
    public void A_setting_Docker_would_read_otherwise_or_refuse_is_refused_with_its_line(string line)
    {
        var error = Assert.Throws<FormatException>(() => Parse("FROM mcr.microsoft.com/dotnet/aspnet:10.0", line));
        Assert.StartsWith("line 2: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_escape_parser_directive_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => Parse("# escape=`", "FROM mcr.microsoft.com/dotnet/aspnet:10.0", "ENV DOTNET_A=1"));
        Assert.StartsWith("line 1: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string> { ["DOTNET_A"] = "1" }, Parse("# syntax=docker/dockerfile:1", "", "# escape=` is only a comment here", "ENV DOTNET_A=1"));
    }

    [Fact]
    public void What_Docker_expands_in_other_variables_does_not_stop_the_runtime_settings_being_read()
    {
        Assert.Equal(new Dictionary<string, string> { ["DOTNET_A"] = "$1" }, Parse("ENV PATH=$PATH:/tools", "ENV DOTNET_A=\\$1"));
    }
}
