/**
 * Response shapes for the Azure DevOps emulator, embedded so the emulator needs no file.
 *
 * Copied from Microsoft's published REST examples (MicrosoftDocs/vsts-rest-api-specs `httpExamples`,
 * MIT License, Copyright (c) 2018 Microsoft Docs — full text in LICENSE-vsts-rest-api-specs-MIT.txt
 * beside this file). The example files themselves, with their source paths and commits, are in
 * __tests__/fixtures/azure-devops (see __tests__/fixtures/README.md). Each constant is the
 * `responses['200'].body` of the named file; two are trimmed as noted. The emulator clones these and
 * substitutes ids, names and URLs; it never requires fields the examples lack (e.g. lastUpdateTime is
 * added, not relied on).
 *
 * Generated from the fixture files by a one-off script; __tests__/unit/fixtures.test.ts checks that each
 * constant is still that body (or the trimmed part of it).
 */

/** GET__projects__projectName_.json — responses['200'].body */
export const PROJECT = {
  id: 'eb6e4656-77fc-42a1-9181-4c6d8e9da5d1',
  name: 'Fabrikam-Fiber-TFVC',
  url: 'https://dev.azure.com/fabrikam/_apis/projects/eb6e4656-77fc-42a1-9181-4c6d8e9da5d1',
  description: 'Team Foundation Version Control projects.',
  state: 'wellFormed',
  _links: {
    self: {
      href: 'https://dev.azure.com/fabrikam/_apis/projects/eb6e4656-77fc-42a1-9181-4c6d8e9da5d1',
    },
    collection: {
      href: 'https://dev.azure.com/fabrikam/_apis/projectCollections/d81542e4-cdfa-4333-b082-1ae2d6c3ad16',
    },
    web: {
      href: 'https://dev.azure.com/fabrikam/Fabrikam-Fiber-TFVC',
    },
  },
  defaultTeam: {
    id: '66df9be7-3586-467b-9c5f-425b29afedfd',
    name: 'Fabrikam-Fiber-TFVC Team',
    url: 'https://dev.azure.com/fabrikam/_apis/projects/eb6e4656-77fc-42a1-9181-4c6d8e9da5d1/teams/66df9be7-3586-467b-9c5f-425b29afedfd',
  },
} as const;

/** GET__projects.json — responses['200'].body */
export const PROJECT_LIST = {
  count: 3,
  value: [
    {
      id: 'eb6e4656-77fc-42a1-9181-4c6d8e9da5d1',
      name: 'Fabrikam-Fiber-TFVC',
      description: 'Team Foundation Version Control projects.',
      url: 'https://dev.azure.com/fabrikam/_apis/projects/eb6e4656-77fc-42a1-9181-4c6d8e9da5d1',
      state: 'wellFormed',
    },
    {
      id: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
      name: 'Fabrikam-Fiber-Git',
      description: 'Git projects',
      url: 'https://dev.azure.com/fabrikam/_apis/projects/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
      state: 'wellFormed',
    },
    {
      id: '281f9a5b-af0d-49b4-a1df-fe6f5e5f84d0',
      name: 'TestGit',
      url: 'https://dev.azure.com/fabrikam/_apis/projects/281f9a5b-af0d-49b4-a1df-fe6f5e5f84d0',
      state: 'wellFormed',
    },
  ],
} as const;

/** GET__projects-onprem.json — responses['200'].body */
export const PROJECT_LIST_ONPREM = {
  count: 3,
  value: [
    {
      id: 'eb6e4656-77fc-42a1-9181-4c6d8e9da5d1',
      name: 'Fabrikam-Fiber-TFVC',
      description: 'Team Foundation Version Control projects.',
      url: 'https://fabrikam:8080/_apis/projects/eb6e4656-77fc-42a1-9181-4c6d8e9da5d1',
      state: 'wellFormed',
    },
    {
      id: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
      name: 'Fabrikam-Fiber-Git',
      description: 'Git projects',
      url: 'https://fabrikam:8080/_apis/projects/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
      state: 'wellFormed',
    },
    {
      id: '281f9a5b-af0d-49b4-a1df-fe6f5e5f84d0',
      name: 'TestGit',
      url: 'https://fabrikam:8080/_apis/projects/281f9a5b-af0d-49b4-a1df-fe6f5e5f84d0',
      state: 'wellFormed',
    },
  ],
} as const;

/** GET__git_repositories.json — responses['200'].body */
export const GIT_REPOSITORIES = {
  count: 3,
  value: [
    {
      id: '5febef5a-833d-4e14-b9c0-14cb638f91e6',
      name: 'AnotherRepository',
      url: 'https://dev.azure.com/fabrikam/_apis/git/repositories/5febef5a-833d-4e14-b9c0-14cb638f91e6',
      project: {
        id: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
        name: 'Fabrikam-Fiber-Git',
        url: 'https://dev.azure.com/fabrikam/_apis/projects/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
        state: 'wellFormed',
      },
      remoteUrl: 'https://dev.azure.com/fabrikam/Fabrikam-Fiber-Git/_git/AnotherRepository',
    },
    {
      id: '278d5cd2-584d-4b63-824a-2ba458937249',
      name: 'Fabrikam-Fiber-Git',
      url: 'https://dev.azure.com/fabrikam/_apis/git/repositories/278d5cd2-584d-4b63-824a-2ba458937249',
      project: {
        id: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
        name: 'Fabrikam-Fiber-Git',
        url: 'https://dev.azure.com/fabrikam/_apis/projects/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
        state: 'wellFormed',
      },
      defaultBranch: 'refs/heads/master',
      remoteUrl: 'https://dev.azure.com/fabrikam/_git/Fabrikam-Fiber-Git',
    },
    {
      id: '66efb083-777a-4cac-a350-a24b046be6be',
      name: 'TestGit',
      url: 'https://dev.azure.com/fabrikam/_apis/git/repositories/66efb083-777a-4cac-a350-a24b046be6be',
      project: {
        id: '281f9a5b-af0d-49b4-a1df-fe6f5e5f84d0',
        name: 'TestGit',
        url: 'https://dev.azure.com/fabrikam/_apis/projects/281f9a5b-af0d-49b4-a1df-fe6f5e5f84d0',
        state: 'wellFormed',
      },
      defaultBranch: 'refs/heads/master',
      remoteUrl: 'https://dev.azure.com/fabrikam/_git/TestGit',
    },
  ],
} as const;

/** GET__wit_workItemTypes.json (Bug and Task only; xmlForm, fields, fieldInstances, transitions dropped) — responses['200'].body */
export const WORK_ITEM_TYPES = {
  count: 2,
  value: [
    {
      name: 'Bug',
      referenceName: 'Microsoft.VSTS.WorkItemTypes.Bug',
      description:
        'Describes a divergence between required and actual behavior, and tracks the work done to correct the defect and verify the correction.',
      color: 'CC293D',
      icon: {
        id: 'icon_insect',
        url: 'https://dev.azure.com/fabrikam/_apis/wit/workItemIcons/icon_insect?color=CC293D&v=2',
      },
      isDisabled: false,
      url: 'https://dev.azure.com/fabrikam/66ebcf8f-1006-4819-be8b-d420d9ecb202/_apis/wit/workItemTypes/Bug',
    },
    {
      name: 'Task',
      referenceName: 'Microsoft.VSTS.WorkItemTypes.Task',
      description: 'Tracks work that needs to be done.',
      color: 'F2CB1D',
      icon: {
        id: 'icon_clipboard',
        url: 'https://dev.azure.com/fabrikam/_apis/wit/workItemIcons/icon_clipboard?color=F2CB1D&v=2',
      },
      isDisabled: false,
      url: 'https://dev.azure.com/fabrikam/66ebcf8f-1006-4819-be8b-d420d9ecb202/_apis/wit/workItemTypes/Task',
    },
  ],
} as const;

/** GET__ListAllReleaseDefinitions.json — responses['200'].body */
export const RELEASE_DEFINITIONS = {
  count: 1,
  value: [
    {
      source: 'userInterface',
      id: 1,
      revision: 3,
      name: 'MyShuttle.CD',
      description: null,
      createdBy: {
        id: '4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
        displayName: 'Chuck Reinhart',
        uniqueName: 'fabfiber@outlook.com',
        url: 'https://vssps.dev.azure.com/fabrikam/_apis/Identities/4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
        imageUrl: 'https://dev.azure.com/fabrikam/_api/_common/identityImage?id=4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
      },
      createdOn: '2017-05-31T16:39:04.883Z',
      modifiedBy: {
        id: '4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
        displayName: 'Chuck Reinhart',
        uniqueName: 'fabfiber@outlook.com',
        url: 'https://vssps.dev.azure.com/fabrikam/_apis/Identities/4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
        imageUrl: 'https://dev.azure.com/fabrikam/_api/_common/identityImage?id=4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
      },
      modifiedOn: '2017-05-31T16:39:58.06Z',
      lastRelease: {
        id: 14,
        name: 'Release-14',
        artifacts: [],
        webAccessUri: null,
        _links: {},
        description: '',
        releaseDefinition: {
          id: 1,
          _links: {},
        },
        createdOn: '2017-06-01T09:42:15.273Z',
        createdBy: {
          id: '4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
          displayName: 'Chuck Reinhart',
          uniqueName: 'fabfiber@outlook.com',
          url: 'https://vssps.dev.azure.com/fabrikam/_apis/Identities/4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
          imageUrl: 'https://dev.azure.com/fabrikam/_api/_common/identityImage?id=4adb1680-0eac-6149-b5ee-fc8b4f6ca227',
        },
        modifiedBy: null,
        reason: 'none',
      },
      path: '\\',
      variableGroups: null,
      releaseNameFormat: 'Release-$(rev:r)',
      url: 'https://vsrm.dev.azure.com/fabrikam/d07908bc-118f-47d2-8a13-ff75601a6b1a/_apis/Release/definitions/1',
      _links: {
        self: {
          href: 'https://vsrm.dev.azure.com/fabrikam/d07908bc-118f-47d2-8a13-ff75601a6b1a/_apis/Release/definitions/1',
        },
        web: {
          href: 'https://dev.azure.com/fabrikam/d07908bc-118f-47d2-8a13-ff75601a6b1a/_release?definitionId=1',
        },
      },
      properties: {},
    },
  ],
} as const;

/** GetAllUsers.json (first aad user only) — responses['200'].body */
export const GRAPH_USERS = {
  count: 1,
  value: [
    {
      subjectKind: 'user',
      metaType: 'guest',
      domain: '45aa3d2d-7442-473d-b4d3-3c670da9dd96',
      principalName: 'fabrikamfiber4@hotmail.com',
      mailAddress: 'fabrikamfiber4@hotmail.com',
      origin: 'aad',
      originId: 'ddddb7d1-2de3-4bab-98b6-ddcc994e964d',
      displayName: 'Jamal Hartnett',
      _links: {
        self: {
          href: 'https://vssps.dev.azure.com/Fabrikam/_apis/Graph/Users/aad.YWZkMzM2ZGQtZTgwYy03MWViLThlYmQtODMzNjMxYmEwNWM2',
        },
        memberships: {
          href: 'https://vssps.dev.azure.com/Fabrikam/_apis/Graph/Memberships/aad.YWZkMzM2ZGQtZTgwYy03MWViLThlYmQtODMzNjMxYmEwNWM2',
        },
        membershipState: {
          href: 'https://vssps.dev.azure.com/Fabrikam/_apis/Graph/MembershipStates/aad.YWZkMzM2ZGQtZTgwYy03MWViLThlYmQtODMzNjMxYmEwNWM2',
        },
        storageKey: {
          href: 'https://vssps.dev.azure.com/Fabrikam/_apis/Graph/StorageKeys/aad.YWZkMzM2ZGQtZTgwYy03MWViLThlYmQtODMzNjMxYmEwNWM2',
        },
        avatar: {
          href: 'https://dev.azure.com/Fabrikam/_apis/GraphProfile/MemberAvatars/aad.YWZkMzM2ZGQtZTgwYy03MWViLThlYmQtODMzNjMxYmEwNWM2',
        },
      },
      url: 'https://vssps.dev.azure.com/Fabrikam/_apis/Graph/Users/aad.YWZkMzM2ZGQtZTgwYy03MWViLThlYmQtODMzNjMxYmEwNWM2',
      descriptor: 'aad.YWZkMzM2ZGQtZTgwYy03MWViLThlYmQtODMzNjMxYmEwNWM2',
    },
  ],
} as const;

/** GET__profile_profiles_me.json — responses['200'].body */
export const PROFILE_ME = {
  displayName: 'Normal Paulk',
  publicAlias: 'd6245f20-2af8-44f4-9451-8107cb2767db',
  emailAddress: 'fabrikamfiber16@hotmail.com',
  coreRevision: 1647,
  timeStamp: '2014-05-12T22:23:07.727+00:00',
  id: 'd6245f20-2af8-44f4-9451-8107cb2767db',
  revision: 1647,
} as const;
