import { Module } from '@nestjs/common';
import { schemaOf } from '@rapport/contracts';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { mergedCustomersMigration, SubjectRightsModule } from '@rapport/platform-subject-rights';
import { InteractionConfigModule } from './interaction.config';
import { CustomerRefsModule } from './customer-refs/customer-refs.module';
import { CreateCustomerRefs1764000003000 } from './database/migrations/1764000003000-CreateCustomerRefs';
import { CreateInteractionsAndFollowUps1764800000000 } from './database/migrations/1764800000000-CreateInteractionsAndFollowUps';
import { FollowUpsModule } from './follow-ups/follow-ups.module';
import { CadencesModule } from './cadences/cadences.module';
import { CreateCadences1764810000000 } from './database/migrations/1764810000000-CreateCadences';
import { CustomerRefOwners1764820000000 } from './database/migrations/1764820000000-CustomerRefOwners';
import { InteractionsModule } from './interactions/interactions.module';
import { InteractionSubjectRights } from './subject-rights/interaction.participant';
import { CreateSurveys1764900000000 } from './database/migrations/1764900000000-CreateSurveys';
import { SurveyResponsesIndex1764930000000 } from './database/migrations/1764930000000-SurveyResponsesIndex';
import { SurveysModule } from './surveys/surveys.module';
import { CreateWechatChannel1764920000000 } from './database/migrations/1764920000000-CreateWechatChannel';
import { WechatModule } from './wechat/wechat.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CreateCampaigns1764910000000 } from './database/migrations/1764910000000-CreateCampaigns';

export const serviceDefinition: ServiceDefinition = {
  name: 'interaction',
  // The merged-customers table is the subject-rights library's; its timestamp is fixed once it has run.
  migrations: [
    CreateCustomerRefs1764000003000,
    mergedCustomersMigration(schemaOf('interaction'), 1764001000000),
    CreateInteractionsAndFollowUps1764800000000,
    CreateCadences1764810000000,
    CustomerRefOwners1764820000000,
    CreateSurveys1764900000000,
    CreateCampaigns1764910000000,
    CreateWechatChannel1764920000000,
    SurveyResponsesIndex1764930000000,
  ],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    InteractionConfigModule,
    CustomerRefsModule,
    InteractionsModule,
    FollowUpsModule,
    CadencesModule,
    SurveysModule,
    CampaignsModule,
    WechatModule,
    SubjectRightsModule.forParticipant({
      service: 'interaction',
      participant: InteractionSubjectRights,
      imports: [
        CustomerRefsModule,
        InteractionsModule,
        FollowUpsModule,
        CadencesModule,
        SurveysModule,
        CampaignsModule,
        WechatModule,
      ],
    }),
  ],
})
export class AppModule {}
