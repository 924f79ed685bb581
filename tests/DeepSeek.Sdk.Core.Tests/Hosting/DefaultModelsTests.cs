using DeepSeek.Sdk.Hosting;

namespace DeepSeek.Sdk.Core.Tests.Hosting;

public sealed class DefaultModelsTests
{
    private static string PlaceModel(string root, string name)
    {
        string folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        return folder;
    }

    [Fact]
    public void The_first_search_directory_that_holds_the_model_wins()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        PlaceModel(first.Path, "tiny");
        PlaceModel(second.Path, "tiny");
        Assert.Equal(Path.Combine(first.Path, "tiny"), DefaultModels.Resolve("tiny", [first.Path, second.Path]));
        Assert.Equal(Path.Combine(second.Path, "tiny"), DefaultModels.Resolve("tiny", [second.Path, first.Path]));
    }

    [Fact]
    public void A_folder_without_config_json_is_not_the_model_and_the_search_goes_on()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(first.Path, "tiny")); // e.g. a half-copied model
        PlaceModel(second.Path, "tiny");
        string missing = Path.Combine(first.Path, "does-not-exist");
        Assert.Equal(Path.Combine(second.Path, "tiny"), DefaultModels.Resolve("tiny", [missing, first.Path, second.Path]));
    }

    [Fact]
    public void A_missing_model_names_every_folder_searched_in_order_and_what_to_do()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        Assert.Null(DefaultModels.TryResolve("tiny", [first.Path, second.Path]));
        var e = Assert.Throws<ModelNotFoundException>(() => DefaultModels.Resolve("tiny", [first.Path, second.Path], "pass --model <folder>"));
        Assert.Equal("tiny", e.ModelName);
        Assert.Equal([first.Path, second.Path], e.SearchedDirectories);
        string a = Path.Combine(first.Path, "tiny"), b = Path.Combine(second.Path, "tiny");
        Assert.Contains(a, e.Message);
        Assert.Contains(b, e.Message);
        Assert.True(e.Message.IndexOf(a, StringComparison.Ordinal) < e.Message.IndexOf(b, StringComparison.Ordinal), e.Message);
        Assert.Contains("Pass --model <folder>", e.Message);
        Assert.Contains(DefaultModels.SearchPathVariable, e.Message);
        Assert.IsAssignableFrom<DirectoryNotFoundException>(e); // callers treating a missing folder as the user's error catch it
    }

    [Fact]
    public void The_application_folder_is_searched_and_comes_last()
    {
        var directories = DefaultModels.SearchDirectories();
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models"), directories[^1]);
    }

    [Fact]
    public void A_model_placed_next_to_the_application_is_found_by_name()
    {
        // What referencing DeepSeek.Sdk.Models does for deepseek-r1-tiny, done here for a name of this test's own.
        string name = "test-model-" + Guid.NewGuid().ToString("N");
        string folder = PlaceModel(Path.Combine(AppContext.BaseDirectory, "models"), name);
        try
        {
            Assert.Equal(Path.GetFullPath(folder), DefaultModels.Resolve(name));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../deepseek-r1-tiny")]
    [InlineData("models/deepseek-r1-tiny")]
    public void A_name_cannot_lead_out_of_the_folders_searched(string name)
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => DefaultModels.Resolve(name, [dir.Path]));
    }

    [Fact]
    public void Options_without_a_model_path_and_without_the_default_model_fail_resolution_naming_the_option()
    {
        var options = new DeepSeekOptions { DefaultModel = "no-such-model-" + Guid.NewGuid().ToString("N") };
        options.Validate(); // nothing out of range: only resolving the model fails
        var e = Assert.Throws<ModelNotFoundException>(() => options.ResolveModelPath());
        Assert.Equal(options.DefaultModel, e.ModelName);
        Assert.Contains("DeepSeekOptions.ModelPath", e.Message);
        Assert.Equal(DefaultModels.R1Tiny, new DeepSeekOptions().DefaultModel);
        // A pipeline's own default is looked up instead when it names one; an explicit ModelPath wins over both.
        var other = Assert.Throws<ModelNotFoundException>(() => options.ResolveModelPath("another-missing-model"));
        Assert.Equal("another-missing-model", other.ModelName);
        Assert.Equal("/models/x", (options with { ModelPath = "/models/x" }).ResolveModelPath("another-missing-model"));
    }
}
